import { migrate } from "@glaze/database";
import { OwnPostgres, ownPort } from "@glaze/database/own-postgres";
import type { DevServer } from "@glaze/inngest-dev-server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { disconnectDb, getDb } from "@/lib/db";
import { api } from "../support/api";
import { type AppServer, startAppServer } from "../support/app-server";
import { startTestDevServer } from "../support/dev-server";
import { makeTable } from "../support/fixtures";

// A bad day, for real: Postgres stopped under a running job (for 5 s and for 30 s), the app
// and the dev server killed mid-job. Every job must then finish by itself, with every cell
// done once and counted once. Postgres here is this file's own, which it may crash.

const db = new OwnPostgres("faults-postgres", ownPort(811));
let devServer: DevServer;
let app: AppServer;
let inngestUrl: string;
const logs: string[] = [];

async function startOrchestration() {
  // A restarted dev server comes back where the app's Inngest client knows to find it.
  devServer = await startTestDevServer({
    port: devServer?.port ?? 0,
    databaseUrl: inngestUrl,
    log: (line) => logs.push(line),
  });
  app = await startAppServer();
  await devServer.syncApp(app.url);
}

beforeAll(async () => {
  await db.start();
  const appUrl = await db.freshDatabase("glaze_faults");
  inngestUrl = await db.freshDatabase("glaze_faults_inngest");
  await migrate(appUrl);
  await disconnectDb();
  process.env.DATABASE_URL = appUrl;
  // Slow enough cells that the faults land mid-job.
  process.env.GLAZE_PROVIDER_LATENCY_MS = "15";
  await startOrchestration();
}, 180_000);

afterAll(async () => {
  await devServer?.close();
  await app?.close();
  await disconnectDb();
  await db.stop();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startJob(rows: number) {
  const t = await makeTable({ keys: ["email", "company", "title", "location"], rows });
  const res = await api.post(`/api/tables/${t.tableId}/enrich`, { columnIds: Object.values(t.columns) });
  expect(res.status).toBe(201);
  return { t, jobId: res.body.jobId as string, total: res.body.totalTasks as number };
}

async function untilDone(jobId: string, atLeast: number) {
  for (;;) {
    const done = await getDb().cellEnrichmentTask.count({ where: { jobId, status: "done" } });
    if (done >= atLeast) return;
    await pause(50);
  }
}

/** Every cell done exactly once: task states, the job's counters and the rows' values agree. */
async function expectFinishedOnce({ t, jobId, total }: Awaited<ReturnType<typeof startJob>>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api.get(`/api/tables/${t.tableId}/enrich/jobs/${jobId}`).catch(() => ({ body: {} }));
    if (body.status === "completed") break;
    if (Date.now() > deadline)
      throw new Error(`job still ${body.status} (${body.progress}%):\n${logs.slice(-20).join("\n")}`);
    await pause(250);
  }
  const { body: job } = await api.get(`/api/tables/${t.tableId}/enrich/jobs/${jobId}`);
  expect(job).toMatchObject({ totalTasks: total, doneTasks: total, failedTasks: 0, progress: 100 });
  const tasks = await getDb().cellEnrichmentTask.groupBy({ by: ["status"], where: { jobId }, _count: true });
  expect(tasks.map((x) => [x.status, x._count])).toEqual([["done", total]]);
  const rows = await getDb().row.findMany({ where: { tableId: t.tableId } });
  expect(rows.filter((r) => r.status !== "done" || Object.keys(r.data as object).length !== 4)).toEqual([]);
}

describe("faults under a running job", () => {
  test("Postgres stopped for 5 s mid-job, then started → the job finishes by itself, each cell once", async () => {
    const job = await startJob(300);
    await untilDone(job.jobId, 100);
    await db.crash("immediate");
    await pause(5_000);
    await db.start();
    await expectFinishedOnce(job, 180_000);
  }, 240_000);

  test("Postgres killed for 30 s mid-job, then started → the job finishes by itself, each cell once", async () => {
    const job = await startJob(300);
    await untilDone(job.jobId, 100);
    await db.crash("kill");
    await pause(30_000);
    await db.start();
    await expectFinishedOnce(job, 180_000);
  }, 300_000);

  test("the app and the dev server killed mid-job, then started → the job finishes, each cell once", async () => {
    const job = await startJob(300);
    await untilDone(job.jobId, 100);
    await Promise.all([devServer.kill(), app.close()]);
    await pause(2_000);
    await startOrchestration();
    await expectFinishedOnce(job, 180_000);
  }, 240_000);
});
