import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DevServer } from "@glaze/inngest-dev-server";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { getDb } from "@/lib/db";
import { superviseDevServer } from "@/scripts/dev-server-process";
import { startWorkerProcess, stopWorkerProcess, type WorkerProcess } from "@/scripts/worker-process";
import { superviseWorker } from "@/scripts/worker-supervisor";
import { api } from "../support/api";
import { startTestDevServer } from "../support/dev-server";
import { makeTable } from "../support/fixtures";

// The production shape: the Inngest functions run in a worker process of their own
// (`npm run worker`, a real child process), the dev server calls only the worker, and the
// API (in this process) only creates jobs and reads them. No app serves /api/inngest here,
// so every step that ran, ran in the worker.

let devServer: DevServer;
let worker: WorkerProcess;
const logs: string[] = [];

async function startWorker(port: number) {
  return startWorkerProcess({
    port,
    env: { ...process.env, INNGEST_DEV: devServer.url, GLAZE_PROVIDER_LATENCY_MS: "15" },
    log: (line) => logs.push(line),
  });
}

beforeAll(async () => {
  devServer = await startTestDevServer({ log: (line) => logs.push(line) });
  worker = await startWorker(0);
  await devServer.syncApp(worker.url);
});

afterAll(async () => {
  await devServer?.close();
  if (worker) await stopWorkerProcess(worker);
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startJob(rows: number) {
  const t = await makeTable({ keys: ["email", "company", "title", "location"], rows });
  const res = await api.post(`/api/tables/${t.tableId}/enrich`, { columnIds: Object.values(t.columns) });
  expect(res.status).toBe(201);
  expect(res.body.error).toBeUndefined();
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
    const { body } = await api.get(`/api/tables/${t.tableId}/enrich/jobs/${jobId}`);
    if (body.status === "completed" || body.status === "failed") break;
    if (Date.now() > deadline)
      throw new Error(`job still ${body.status} (${body.progress}%):\n${logs.slice(-30).join("\n")}`);
    await pause(200);
  }
  const { body: job } = await api.get(`/api/tables/${t.tableId}/enrich/jobs/${jobId}`);
  expect(job).toMatchObject({
    status: "completed",
    totalTasks: total,
    doneTasks: total,
    failedTasks: 0,
    progress: 100,
  });
  const tasks = await getDb().cellEnrichmentTask.groupBy({ by: ["status"], where: { jobId }, _count: true });
  expect(tasks.map((x) => [x.status, x._count])).toEqual([["done", total]]);
  const rows = await getDb().row.findMany({ where: { tableId: t.tableId } });
  expect(rows.filter((r) => r.status !== "done" || Object.keys(r.data as object).length !== 4)).toEqual([]);
}

describe("the worker process (npm run worker)", () => {
  test("GET /health → 200; any other path → 404 in the one error shape", async () => {
    const origin = new URL(worker.url).origin;
    const health = await fetch(`${origin}/health`);
    expect(health.status).toBe(200);
    // The six functions of inngest/functions/index.ts (not imported here: that would create the
    // Inngest client before this file points it at its dev server).
    expect(await health.json()).toEqual({ status: "ok", functions: 6 });
    const other = await fetch(`${origin}/api/tables`);
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ error: { code: "not_found" } });
  });

  test("a 1,200-cell job runs to completion through the worker, each cell once", async () => {
    const job = await startJob(300);
    await expectFinishedOnce(job, 120_000);
  }, 180_000);

  test("the worker killed (SIGKILL) mid-job and started again → the job finishes, 0 cells lost or counted twice", async () => {
    const job = await startJob(300);
    await untilDone(job.jobId, 100);
    const port = Number(new URL(worker.url).port);
    await stopWorkerProcess(worker, "SIGKILL");
    const doneWhileDown = await getDb().cellEnrichmentTask.count({ where: { jobId: job.jobId, status: "done" } });
    expect(doneWhileDown).toBeLessThan(job.total);
    await pause(1_000);
    // The same address: the dev server keeps calling it and waits while nothing answers.
    worker = await startWorker(port);
    await expectFinishedOnce(job, 180_000);
  }, 240_000);

  test("npm run dev's supervisor: a worker killed (SIGKILL) mid-job is started again by itself and the job finishes; a changed file restarts it", async () => {
    const watched = await mkdtemp(path.join(tmpdir(), "glaze-watch-"));
    const supervised = await superviseWorker({
      port: await freePort(),
      env: { ...process.env, INNGEST_DEV: devServer.url, GLAZE_PROVIDER_LATENCY_MS: "15" },
      log: (line) => logs.push(`[supervisor] ${line}`),
      workerLog: (line) => logs.push(line),
      watchPaths: [watched],
    });
    try {
      await devServer.syncApp(supervised.url);
      const job = await startJob(300);
      await untilDone(job.jobId, 100);
      const first = supervised.pid();
      expect(first).toBeGreaterThan(0);
      process.kill(first as number, "SIGKILL");
      // Nobody starts it but the supervisor.
      await vi.waitFor(() => expect(supervised.pid()).not.toBe(first), { timeout: 30_000, interval: 100 });
      await expectFinishedOnce(job, 180_000);
      expect(logs.some((line) => /\[supervisor\] the worker exited \(SIGKILL\); starting it again/.test(line))).toBe(
        true,
      );

      const second = supervised.pid();
      await writeFile(path.join(watched, "changed.ts"), "export {};\n");
      await vi.waitFor(() => expect([undefined, second]).not.toContain(supervised.pid()), {
        timeout: 30_000,
        interval: 100,
      });
    } finally {
      await supervised.stop();
      await devServer.syncApp(worker.url);
      await rm(watched, { recursive: true, force: true });
    }
  }, 300_000);
});

describe("npm run dev's Inngest dev server", () => {
  test("killed (SIGKILL), it is started again by itself on the same port; stopped, it stays stopped", async () => {
    const port = await freePort();
    const supervised = superviseDevServer({
      appUrl: new URL(worker.url).origin,
      port,
      databaseUrl: process.env.DATABASE_URL as string,
      env: process.env,
      stdio: "ignore",
      log: (line) => logs.push(`[supervisor] ${line}`),
    });
    const answers = async () => (await fetch(`http://127.0.0.1:${port}/`).catch(() => null)) !== null;
    try {
      await vi.waitFor(async () => expect(await answers()).toBe(true), { timeout: 60_000, interval: 200 });
      const first = supervised.pid();
      expect(first).toBeGreaterThan(0);
      process.kill(first as number, "SIGKILL");
      await vi.waitFor(() => expect([undefined, first]).not.toContain(supervised.pid()), {
        timeout: 30_000,
        interval: 100,
      });
      await vi.waitFor(async () => expect(await answers()).toBe(true), { timeout: 60_000, interval: 200 });
      expect(
        logs.some((line) => /\[supervisor\] the Inngest dev server exited \(SIGKILL\); starting it again/.test(line)),
      ).toBe(true);
    } finally {
      await supervised.stop();
    }
    expect(supervised.pid()).toBeUndefined();
    expect(await answers()).toBe(false);
  }, 180_000);
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
