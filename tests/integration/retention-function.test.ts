import type { DevServer } from "@glaze/inngest-dev-server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getDb } from "@/lib/db";
import { createEnrichmentJob } from "@/lib/enrichment/create-job";
import { runCellBatch } from "@/lib/enrichment/run-batch";
import { deleteRows, restoreRows } from "@/lib/rows/rows";
import { type AppServer, startAppServer } from "../support/app-server";
import { startTestDevServer } from "../support/dev-server";
import { jobOf, makeTable, taskIdsOf } from "../support/fixtures";

// The retention pass as the orchestrator runs it: a cron function (triggered by its event
// here) whose steps call lib/enrichment/compaction.ts.

let devServer: DevServer;
let app: AppServer;

beforeAll(async () => {
  devServer = await startTestDevServer({ log: () => {} });
  app = await startAppServer();
  await devServer.syncApp(app.url);
});

afterAll(async () => {
  await devServer?.close();
  await app?.close();
});

async function runJob(tableId: string, columnId: string) {
  await new Promise((r) => setTimeout(r, 5));
  const job = await createEnrichmentJob({ tableId, source: { mode: "grid", columnIds: [columnId], rowIds: "all" } });
  await runCellBatch(await taskIdsOf(job.jobId));
  return job.jobId;
}

describe("the compact-enrichment-tasks function", () => {
  test("registers as a daily cron function with its on-request event", async () => {
    const apps = await (await fetch(`${devServer.url}/v1/apps`)).json();
    const fn = apps.data[0].functions.find((f: { id: string }) => f.id === "glaze-compact-enrichment-tasks");
    expect(fn.triggers).toEqual(["cron 17 3 * * *", "glaze/enrichment.compaction.requested"]);
  });

  test("a requested pass deletes the superseded tasks of a job ended 31 days ago; the job still answers", async () => {
    const t = await makeTable({ keys: ["email"], rows: 6 });
    const old = await runJob(t.tableId, t.columns.email);
    await runJob(t.tableId, t.columns.email);
    await getDb().$executeRaw`
      UPDATE enrichment_jobs SET completed_at = completed_at - interval '31 days' WHERE id = ${old}::uuid`;
    const [eventId] = await devServer.send({ name: "glaze/enrichment.compaction.requested", data: {} });
    const [run] = await devServer.runsForEvent(eventId);
    const ended = await devServer.waitForRun(run.id, 60_000);
    expect(ended.status).toBe("completed");
    expect(JSON.parse(ended.output ?? "null")).toMatchObject({ deleted: 6, jobs: 1, steps: 1, purgedRows: 0 });
    expect(await getDb().cellEnrichmentTask.count({ where: { jobId: old } })).toBe(0);
    expect(await jobOf(old)).toMatchObject({ status: "completed", totalTasks: 6, doneTasks: 6 });
  });

  test("the pass purges deleted rows kept longer than 30 days, and keeps younger ones restorable", async () => {
    const t = await makeTable({ keys: ["email"], rows: 3 });
    const old = await deleteRows({ tableId: t.tableId, input: { ids: [t.rowIds[0], t.rowIds[1]] } });
    const young = await deleteRows({ tableId: t.tableId, input: { ids: [t.rowIds[2]] } });
    await getDb().$executeRaw`
      UPDATE deleted_rows SET deleted_at = deleted_at - interval '31 days' WHERE deletion_id = ${old.deletion}::uuid`;
    const [eventId] = await devServer.send({ name: "glaze/enrichment.compaction.requested", data: {} });
    const [run] = await devServer.runsForEvent(eventId);
    const ended = await devServer.waitForRun(run.id, 60_000);
    expect(ended.status).toBe("completed");
    expect(JSON.parse(ended.output ?? "null")).toMatchObject({ purgedRows: 2 });
    await expect(restoreRows({ tableId: t.tableId, deletion: old.deletion as string })).rejects.toThrow(/not found/);
    const back = await restoreRows({ tableId: t.tableId, deletion: young.deletion as string });
    expect(back.map((r) => r.id)).toEqual([t.rowIds[2]]);
  });
});
