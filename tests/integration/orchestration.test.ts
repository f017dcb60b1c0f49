import type { DevServer } from "@glaze/inngest-dev-server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getDb } from "@/lib/db";
import { seedLeads } from "@/prisma/seed/leads";
import { api } from "../support/api";
import { type AppServer, startAppServer } from "../support/app-server";
import { testAccount } from "../support/auth";
import { startTestDevServer } from "../support/dev-server";
import { jobOf, makeTable, rowsOf } from "../support/fixtures";

// The real stack minus the browser: a real Postgres, the built-in Inngest dev server, and
// the app's own /api/inngest route handler driving the cell engine.

let devServer: DevServer;
let app: AppServer;
const logs: string[] = [];

const startServer = () => startTestDevServer({ log: (line) => logs.push(line) });

beforeAll(async () => {
  process.env.GLAZE_PROVIDER_LATENCY_MS = "0";
  devServer = await startServer();
  app = await startAppServer();
  await devServer.syncApp(app.url);
});

afterAll(async () => {
  await devServer?.close();
  await app?.close();
});

async function waitForJob(tableId: string, jobId: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api.get(`/api/tables/${tableId}/enrich/jobs/${jobId}`);
    if (["completed", "failed", "cancelled"].includes(body.status)) return body;
    if (Date.now() > deadline)
      throw new Error(`job still ${body.status} at ${body.progress}%:\n${logs.slice(-30).join("\n")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function enrich(tableId: string, body: unknown) {
  const response = await api.post(`/api/tables/${tableId}/enrich`, body);
  expect(response.status).toBe(201);
  expect(response.body.error).toBeUndefined();
  return response.body as { jobId: string; totalTasks: number };
}

describe("orchestration through the dev server", () => {
  test("a job over the seed table completes with the right values", async () => {
    const seed = await seedLeads({ workspaceId: (await testAccount()).workspaceId });
    const column = (key: string) => seed.columns.find((c) => c.key === key)?.id as string;
    const job = await enrich(seed.table.id, { columnIds: [column("email"), column("linkedin")], rowIds: "all" });
    expect(job.totalTasks).toBe(20);
    const done = await waitForJob(seed.table.id, job.jobId);
    expect(done).toMatchObject({ status: "completed", doneTasks: 20, failedTasks: 0, progress: 100 });
    for (const row of await rowsOf(seed.table.id)) {
      expect(row.data).toMatchObject({
        email: `fake_${row.id}@example.com`,
        linkedin: `https://linkedin.com/in/fake-user-${row.id}`,
      });
      expect(row.status).toBe("done");
    }
    const tasks = await getDb().cellEnrichmentTask.findMany({ where: { jobId: job.jobId } });
    expect(tasks.every((t) => t.attempts === 1 && t.status === "done")).toBe(true);
  });

  test("a flaky_ cell succeeds on its second attempt and only that cell is retried", async () => {
    const t = await makeTable({ keys: ["email", "flaky_title"], rows: 3 });
    const job = await enrich(t.tableId, { columnIds: [t.columns.email, t.columns.flaky_title] });
    expect(await waitForJob(t.tableId, job.jobId)).toMatchObject({ status: "completed", doneTasks: 6, failedTasks: 0 });
    const tasks = await getDb().cellEnrichmentTask.findMany({ where: { jobId: job.jobId } });
    for (const task of tasks) {
      expect(task.status).toBe("done");
      expect(task.attempts).toBe(task.columnId === t.columns.flaky_title ? 2 : 1);
    }
    // The dev server retried exactly the three flaky steps, each once.
    const runs = await devServer.listRuns({ limit: 50 });
    const details = await Promise.all(
      runs.filter((r) => r.functionId.endsWith("process-enrichment-chunk")).map((r) => devServer.getRun(r.id)),
    );
    const detail = details.find((d) => d?.event.includes(job.jobId));
    expect(detail).toBeDefined();
    const cellSteps = (detail?.steps ?? []).filter((s) => (s.name ?? "").startsWith("cell-"));
    expect(cellSteps).toHaveLength(6);
    expect(cellSteps.filter((s) => s.attempts > 1)).toHaveLength(3);
  });

  test("a fail_ column ends failed while the other cells finish, leaving ambiguous rows", async () => {
    const t = await makeTable({ keys: ["company", "fail_phone"], rows: 4 });
    const job = await enrich(t.tableId, { columnIds: [t.columns.company, t.columns.fail_phone], rowIds: "all" });
    expect(await waitForJob(t.tableId, job.jobId)).toMatchObject({ status: "completed", doneTasks: 4, failedTasks: 4 });
    const failed = await getDb().cellEnrichmentTask.findMany({ where: { jobId: job.jobId, status: "failed" } });
    expect(failed).toHaveLength(4);
    // Permanent: no retries.
    expect(failed.every((f) => f.attempts === 1 && /simulated permanent failure/.test(f.error ?? ""))).toBe(true);
    expect((await rowsOf(t.tableId)).map((r) => r.status)).toEqual([
      "ambiguous",
      "ambiguous",
      "ambiguous",
      "ambiguous",
    ]);
  });

  test("a bulk job runs in batches, retries transient cells in batches again (not a step each), and respects per-table concurrency", async () => {
    const t = await makeTable({ keys: ["email", "flaky_bio", "fail_x"], rows: 400 });
    const job = await enrich(t.tableId, { columnIds: [t.columns.email, t.columns.flaky_bio, t.columns.fail_x] });
    expect(job.totalTasks).toBe(1200);
    const done = await waitForJob(t.tableId, job.jobId, 120_000);
    expect(done).toMatchObject({ status: "completed", doneTasks: 800, failedTasks: 400, totalTasks: 1200 });
    const stats = await getDb().cellEnrichmentTask.groupBy({
      by: ["columnId", "status", "attempts"],
      where: { jobId: job.jobId },
      _count: true,
    });
    const of = (columnId: string) =>
      stats.filter((s) => s.columnId === columnId).map((s) => [s.status, s.attempts, s._count]);
    expect(of(t.columns.email)).toEqual([["done", 1, 400]]);
    expect(of(t.columns.flaky_bio)).toEqual([["done", 2, 400]]);
    expect(of(t.columns.fail_x)).toEqual([["failed", 1, 400]]);
    // Inngest's concurrency counts executing steps: 3 chunk runs of 20 parallel batch steps
    // each, yet never more than 4 requests of this table's chunks at once.
    const chunkKey = [...app.maxInFlight.keys()].find(
      (k) => k.includes("process-enrichment-chunk") && k.endsWith(t.tableId),
    );
    expect(chunkKey).toBeDefined();
    expect(app.maxInFlight.get(chunkKey as string)).toBeLessThanOrEqual(4);
    // The 400 transient cells had their second attempt in batch steps: no chunk ran a step per
    // cell (each took a step of its own, 4 at a time: ~30 s quiet, minutes beside the suite).
    const runs = await devServer.listRuns({ limit: 200 });
    const chunks = (
      await Promise.all(
        runs.filter((r) => r.functionId.endsWith("process-enrichment-chunk")).map((r) => devServer.getRun(r.id)),
      )
    ).filter((d) => d?.event.includes(job.jobId));
    expect(chunks.length).toBeGreaterThan(0);
    const names = chunks.flatMap((d) => (d?.steps ?? []).map((s) => s.name ?? ""));
    expect(names.filter((n) => n.startsWith("cell-"))).toEqual([]);
    expect(names.filter((n) => n.startsWith("retry-batch-")).length).toBeGreaterThan(0);
  }, 240_000);

  test("killing the dev server mid-job and starting it again loses no cell and counts none twice", async () => {
    // 400 cells in 16 batch steps, 4 at a time, 200 ms each: the kill lands mid-job.
    process.env.GLAZE_PROVIDER_LATENCY_MS = "200";
    try {
      const t = await makeTable({ keys: ["email", "title"], rows: 200 });
      const job = await enrich(t.tableId, { columnIds: [t.columns.email, t.columns.title] });
      expect(job.totalTasks).toBe(400);
      // Wait until some, but not all, cells are done, then kill.
      for (;;) {
        const current = await jobOf(job.jobId);
        if (current.doneTasks > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await devServer.kill();
      const midway = await jobOf(job.jobId);
      expect(midway.status).toBe("running");
      // On another port: the app's client keeps its first URL; events go through the runs already stored.
      devServer = await startServer();
      const done = await waitForJob(t.tableId, job.jobId, 120_000);
      expect(done).toMatchObject({ status: "completed", doneTasks: 400, failedTasks: 0 });
      const tasks = await getDb().cellEnrichmentTask.findMany({ where: { jobId: job.jobId } });
      expect(tasks.every((x) => x.status === "done")).toBe(true);
      for (const row of await rowsOf(t.tableId)) {
        expect(row.data).toMatchObject({ email: `fake_${row.id}@example.com` });
        expect(row.status).toBe("done");
      }
    } finally {
      process.env.GLAZE_PROVIDER_LATENCY_MS = "0";
    }
  });
});
