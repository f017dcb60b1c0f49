import type { DevServer } from "@glaze/inngest-dev-server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getDb } from "@/lib/db";
import { createEnrichmentJob } from "@/lib/enrichment/create-job";
import { MAX_REDRIVES } from "@/lib/enrichment/policy";
import { runCellTask } from "@/lib/enrichment/run-cell";
import { markJobCancelled } from "@/lib/enrichment/store";
import { superviseJobs } from "@/lib/enrichment/watchdog";
import { api } from "../support/api";
import { type AppServer, startAppServer } from "../support/app-server";
import { startTestDevServer } from "../support/dev-server";
import { jobOf, makeTable, taskIdsOf } from "../support/fixtures";

// Jobs the orchestrator lost: never sent, a chunk run that died, a cancel left half-settled.
// The watchdog (a cron function; triggered by its event here) must drive each to its end.

let devServer: DevServer;
let app: AppServer;
const logs: string[] = [];

beforeAll(async () => {
  process.env.GLAZE_PROVIDER_LATENCY_MS = "0";
  devServer = await startTestDevServer({ log: (line) => logs.push(line) });
  app = await startAppServer();
  await devServer.syncApp(app.url);
});

afterAll(async () => {
  await devServer?.close();
  await app?.close();
});

/** Makes the job look idle for `seconds` (as if nothing had happened to it since). */
async function ageJob(jobId: string, seconds: number) {
  const interval = `${seconds} seconds`;
  await getDb().$executeRaw`
    UPDATE enrichment_jobs SET created_at = created_at - ${interval}::interval,
           started_at = started_at - ${interval}::interval, completed_at = completed_at - ${interval}::interval,
           redriven_at = redriven_at - ${interval}::interval
     WHERE id = ${jobId}::uuid`;
  await getDb().$executeRaw`
    UPDATE enrichment_job_counters SET updated_at = updated_at - ${interval}::interval WHERE job_id = ${jobId}::uuid`;
}

async function runWatchdog() {
  const [eventId] = await devServer.send({ name: "glaze/enrichment.watchdog.requested", data: {} });
  const [run] = await devServer.runsForEvent(eventId);
  return devServer.waitForRun(run.id, 60_000);
}

async function waitForEnd(tableId: string, jobId: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { body } = await api.get(`/api/tables/${tableId}/enrich/jobs/${jobId}`);
    if (body.doneTasks + body.failedTasks === body.totalTasks && body.status !== "running") return body;
    if (Date.now() > deadline) throw new Error(`job still ${body.status}:\n${logs.slice(-20).join("\n")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("the enrichment watchdog", () => {
  test("registers as a cron function with the dev server", async () => {
    const apps = await (await fetch(`${devServer.url}/v1/apps`)).json();
    const fn = apps.data[0].functions.find((f: { id: string }) => f.id === "glaze-enrichment-watchdog");
    expect(fn.triggers).toEqual(["cron * * * * *", "glaze/enrichment.watchdog.requested"]);
  });

  test("a job whose event never reached the orchestrator → started by the watchdog and completed", async () => {
    const t = await makeTable({ keys: ["email"], rows: 5 });
    // Created without dispatching: as if the orchestrator had been down and nobody retried.
    const job = await createEnrichmentJob({
      tableId: t.tableId,
      source: { mode: "grid", columnIds: [t.columns.email], rowIds: "all" },
    });
    await ageJob(job.jobId, 600);
    const run = await runWatchdog();
    expect(run.status).toBe("completed");
    expect(await waitForEnd(t.tableId, job.jobId)).toMatchObject({ status: "completed", doneTasks: 5 });
  });

  test("a running job whose chunk run died (cells left queued and running) → re-driven and completed, each cell counted once", async () => {
    const t = await makeTable({ keys: ["email", "company"], rows: 30 });
    const job = await createEnrichmentJob({
      tableId: t.tableId,
      source: { mode: "grid", columnIds: Object.values(t.columns), rowIds: "all" },
    });
    const ids = await taskIdsOf(job.jobId);
    for (const id of ids.slice(0, 10)) await runCellTask(id);
    // One cell was claimed by a run that then vanished.
    await getDb()
      .$executeRaw`UPDATE cell_enrichment_tasks SET status = 'running', attempts = 1 WHERE id = ${ids[10]}::uuid`;
    await ageJob(job.jobId, 600);
    await runWatchdog();
    const ended = await waitForEnd(t.tableId, job.jobId);
    expect(ended).toMatchObject({ status: "completed", doneTasks: 60, failedTasks: 0 });
    expect(await getDb().cellEnrichmentTask.count({ where: { jobId: job.jobId, status: "done" } })).toBe(60);
  });

  test("a cancelled job whose queued cells were never settled → settled by the watchdog", async () => {
    const t = await makeTable({ keys: ["email"], rows: 8 });
    const job = await createEnrichmentJob({
      tableId: t.tableId,
      source: { mode: "grid", columnIds: [t.columns.email], rowIds: "all" },
    });
    await markJobCancelled({ tableId: t.tableId, jobId: job.jobId });
    await ageJob(job.jobId, 600);
    await runWatchdog();
    expect(await jobOf(job.jobId)).toMatchObject({ status: "cancelled", failedTasks: 8, doneTasks: 0 });
  });

  test(`a job that stays stalled after ${MAX_REDRIVES} re-drives → its remaining cells end failed, the job ends`, async () => {
    const t = await makeTable({ keys: ["email"], rows: 3 });
    const job = await createEnrichmentJob({
      tableId: t.tableId,
      source: { mode: "grid", columnIds: [t.columns.email], rowIds: "all" },
    });
    await getDb().enrichmentJob.update({
      where: { id: job.jobId },
      data: { status: "running", redriveCount: MAX_REDRIVES },
    });
    await ageJob(job.jobId, 600);
    const report = await superviseJobs({ stalledForSeconds: 300 });
    expect(report.gaveUp).toContain(job.jobId);
    expect(await jobOf(job.jobId)).toMatchObject({ status: "failed", failedTasks: 3 });
  });

  test("a job that is merely slow (a cell finished within the stall period) is left alone", async () => {
    const t = await makeTable({ keys: ["email"], rows: 3 });
    const job = await createEnrichmentJob({
      tableId: t.tableId,
      source: { mode: "grid", columnIds: [t.columns.email], rowIds: "all" },
    });
    await ageJob(job.jobId, 600);
    await runCellTask((await taskIdsOf(job.jobId))[0]); // progress just now
    const report = await superviseJobs({ stalledForSeconds: 300 });
    expect(report.redrives.map((r) => r.jobId)).not.toContain(job.jobId);
    const stored = await getDb().enrichmentJob.findUniqueOrThrow({ where: { id: job.jobId } });
    expect(stored.redriveCount).toBe(0);
  });
});
