import type { DevServer } from "@glaze/inngest-dev-server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getDb } from "@/lib/db";
import { cellStatusSince } from "@/lib/enrichment/cell-status";
import { MAX_CELL_ATTEMPTS } from "@/lib/enrichment/policy";
import { demoValue } from "@/lib/enrichment/providers/demo-values";
import { startWorkerProcess, stopWorkerProcess, type WorkerProcess } from "@/scripts/worker-process";
import { type AppProcess, startAppProcess } from "../support/app-process";
import { bearer } from "../support/auth";
import { type Balancer, startBalancer, type UpstreamStats } from "../support/balancer";
import { startTestDevServer } from "../support/dev-server";
import { cellsOf, openStream, type Stream } from "../support/event-stream";

// The multi-instance shape of docs/deployment.md on one machine: one Postgres (this file's
// database), one orchestrator (the built-in dev server), two worker processes behind a
// round-robin load balancer (the one URL the orchestrator is synced with), and two app
// processes. Jobs are created through app A and followed through app B (polls and its event
// stream). Every process is real and talks over real sockets; only the database tells the
// truth at the end: every cell done once, counted once, with its value.

const KEYS = ["email", "company", "title", "location"];
const ROWS = 750; // 3,000 cells: 120 batch steps of 25 in 6 chunks, 4 steps at a time (policy.ts)
// Each batch step waits this long on the demo provider, so a job lasts long enough for a
// worker to be killed in its middle.
const PROVIDER_LATENCY_MS = "50";

let devServer: DevServer;
let balancer: Balancer;
const workers: WorkerProcess[] = [];
const apps: AppProcess[] = [];
const streams: Stream[] = [];
const logs: string[] = [];

beforeAll(async () => {
  // It sets INNGEST_DEV, which the app processes inherit: their enrich requests send events to it.
  devServer = await startTestDevServer({ log: (line) => logs.push(`[dev-server] ${line}`) });
  const env = { ...process.env, GLAZE_PROVIDER_LATENCY_MS: PROVIDER_LATENCY_MS };
  const [w1, w2, a, b] = await Promise.all([
    startWorkerProcess({ port: 0, env, log: (line) => logs.push(`[worker 1] ${line}`) }),
    startWorkerProcess({ port: 0, env, log: (line) => logs.push(`[worker 2] ${line}`) }),
    startAppProcess(),
    startAppProcess(),
  ]);
  workers.push(w1, w2);
  apps.push(a, b);
  balancer = await startBalancer(workers.map((w) => new URL(w.url).origin));
  await devServer.syncApp(`${balancer.url}/api/inngest`);
}, 180_000);

afterAll(async () => {
  for (const stream of streams) stream.close();
  await devServer?.close();
  await Promise.all([...workers.map((w) => stopWorkerProcess(w)), ...apps.map((a) => a.kill())]);
  await balancer?.close();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function call(app: AppProcess, method: string, path: string, body?: unknown) {
  const res = await fetch(`${app.url}${path}`, {
    method,
    headers: { ...(await bearer()), "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

type Job = { tableId: string; jobId: string; total: number; columns: Record<string, string>; postedAt: number };

/** Through app A: a table of ROWS rows, then a job over all its cells. App B's stream is opened first. */
async function startJob(name: string): Promise<Job & { stream: Stream }> {
  const [a, b] = apps;
  const table = await call(a, "POST", "/api/tables", {
    name,
    columns: KEYS.map((key) => ({ key, label: key, dataType: "text" })),
  });
  expect(table.status).toBe(201);
  const tableId = table.body.id as string;
  const columns = Object.fromEntries((table.body.columns as { key: string; id: string }[]).map((c) => [c.key, c.id]));
  const rows = await call(a, "POST", `/api/tables/${tableId}/rows`, {
    rows: Array.from({ length: ROWS }, () => ({ data: {} })),
  });
  expect(rows.status).toBe(201);
  const stream = openStream(`${b.url}/api/tables/${tableId}/events`);
  streams.push(stream);
  await stream.waitFor((e) => e.type === "cells");
  const postedAt = Date.now();
  const res = await call(a, "POST", `/api/tables/${tableId}/enrich`, { columnIds: Object.values(columns) });
  expect(res.status).toBe(201);
  expect(res.body.error ?? null).toBeNull();
  return { tableId, jobId: res.body.jobId, total: res.body.totalTasks, columns, postedAt, stream };
}

/** Polls GET job through app B once every 200 ms until it ends; returns what it saw and when it ended. */
async function followOnB({ tableId, jobId }: Job, timeoutMs: number) {
  const seen: number[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await call(apps[1], "GET", `/api/tables/${tableId}/enrich/jobs/${jobId}`);
    expect(status).toBe(200);
    seen.push(body.doneTasks);
    if (body.status === "completed" || body.status === "failed") return { job: body, seen, endedAt: Date.now() };
    if (Date.now() > deadline)
      throw new Error(`job still ${body.status} (${body.progress}%):\n${logs.slice(-40).join("\n")}`);
    await pause(200);
  }
}

type TaskCount = { status: string; attempts: number; n: number };
type CounterSums = { done: number; failed: number; skipped: number };

/** The database's word: each cell done once, its job counted once, its row holding its value. */
async function expectEveryCellOnce(job: Job) {
  const db = getDb();
  const tasks = await db.$queryRaw<TaskCount[]>`
    SELECT status::text AS status, attempts, count(*)::int AS n FROM cell_enrichment_tasks
    WHERE job_id = ${job.jobId}::uuid GROUP BY 1, 2 ORDER BY 1, 2`;
  expect(tasks.every((t) => t.status === "done" && t.attempts >= 1 && t.attempts <= MAX_CELL_ATTEMPTS)).toBe(true);
  expect(tasks.reduce((sum, t) => sum + t.n, 0)).toBe(job.total);
  const [sums] = await db.$queryRaw<CounterSums[]>`
    SELECT sum(done)::int AS done, sum(failed)::int AS failed, sum(skipped)::int AS skipped
    FROM enrichment_job_counters WHERE job_id = ${job.jobId}::uuid`;
  expect(sums).toEqual({ done: job.total, failed: 0, skipped: 0 });
  const stored = await db.enrichmentJob.findUniqueOrThrow({ where: { id: job.jobId } });
  expect({ status: stored.status, done: stored.doneTasks, failed: stored.failedTasks }).toEqual({
    status: "completed",
    done: job.total,
    failed: 0,
  });
  const rows = await db.row.findMany({
    where: { tableId: job.tableId },
    select: { id: true, status: true, data: true },
  });
  expect(rows).toHaveLength(ROWS);
  const wrong = rows.filter((r) => {
    const data = r.data as Record<string, unknown>;
    return (
      r.status !== "done" ||
      Object.keys(data).length !== KEYS.length ||
      KEYS.some((k) => data[k] !== demoValue(r.id, k).value)
    );
  });
  expect(wrong).toEqual([]);
  return tasks;
}

/** App B's event stream ends holding exactly the database's cells, none sent twice, and the job's end. */
async function expectStreamMatches(job: Job, stream: Stream) {
  await stream.waitFor((e) => e.type === "job" && (e.data as { status: string }).status === "completed", 30_000);
  const page = await cellStatusSince({ tableId: job.tableId, limit: 50_000 });
  expect(page.cells).toHaveLength(job.total);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { latest } = cellsOf(stream.events);
    const behind = page.cells.filter((c) => latest.get(`${c.rowId}:${c.columnId}`)?.status !== c.status);
    if (behind.length === 0) break;
    if (Date.now() > deadline) throw new Error(`${behind.length} cells never reached app B's stream`);
    await pause(100);
  }
  const { latest, repeated } = cellsOf(stream.events);
  expect(repeated).toEqual([]);
  expect(latest.size).toBe(job.total);
  for (const cell of page.cells) expect(latest.get(`${cell.rowId}:${cell.columnId}`)).toMatchObject(cell);
}

const calls = (s: UpstreamStats[]) => s.map((u) => u.calls);
const diff = (after: number[], before: number[]) => after.map((n, i) => n - before[i]);

describe("two apps and two workers on one Postgres, one orchestrator", () => {
  test("a 3,000-cell job created through app A runs on both workers; app B's polls and stream see every cell; each cell done and counted once", async () => {
    // The SDK behind the balancer registered the balancer's URL, so every call goes through it.
    expect(logs).toContainEqual(expect.stringContaining(`synced app "glaze" (${balancer.url}/api/inngest)`));
    const before = calls(balancer.stats);
    const job = await startJob("Split across workers");
    const { job: final, seen, endedAt } = await followOnB(job, 150_000);
    expect(final).toMatchObject({
      status: "completed",
      totalTasks: job.total,
      doneTasks: job.total,
      failedTasks: 0,
      progress: 100,
    });
    // B's polls watched it move: counts only grow, and it saw the job part-way.
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(seen.some((n) => n > 0 && n < job.total)).toBe(true);

    const tasks = await expectEveryCellOnce(job);
    // Nothing failed or was cut short, so no cell needed a second attempt.
    expect(tasks).toEqual([{ status: "done", attempts: 1, n: job.total }]);
    const perWorker = diff(calls(balancer.stats), before);
    expect(perWorker.every((n) => n > 0)).toBe(true);
    expect(balancer.stats.map((s) => s.statuses[502] ?? 0)).toEqual([0, 0]);
    await expectStreamMatches(job, job.stream);
    const seconds = (endedAt - job.postedAt) / 1000;
    console.log(
      `[multi-instance] ${job.total} cells in ${seconds.toFixed(1)} s (${Math.round(job.total / seconds)} cells/s, ` +
        `${PROVIDER_LATENCY_MS} ms per batch); orchestrator calls per worker: ${perWorker.join(" / ")}`,
    );
  }, 180_000);

  test("worker 2 killed (SIGKILL) mid-job and not restarted → worker 1 finishes the job; no cell lost or counted twice", async () => {
    const before = calls(balancer.stats);
    const job = await startJob("Worker killed");
    const db = getDb();
    for (;;) {
      const done = await db.cellEnrichmentTask.count({ where: { jobId: job.jobId, status: "done" } });
      if (done >= job.total / 5) break;
      await pause(25);
    }
    const atKill = calls(balancer.stats);
    await stopWorkerProcess(workers[1], "SIGKILL");
    const doneAtKill = await db.cellEnrichmentTask.count({ where: { jobId: job.jobId, status: "done" } });
    expect(doneAtKill).toBeLessThan(job.total);

    const { job: final, endedAt } = await followOnB(job, 150_000);
    expect(final).toMatchObject({
      status: "completed",
      totalTasks: job.total,
      doneTasks: job.total,
      failedTasks: 0,
      progress: 100,
    });
    const tasks = await expectEveryCellOnce(job);
    // Worker 2 took part before it died; worker 1 carried the rest.
    expect(diff(atKill, before).every((n) => n > 0)).toBe(true);
    const afterKill = diff(calls(balancer.stats), atKill);
    expect(afterKill[0]).toBeGreaterThan(0);
    await expectStreamMatches(job, job.stream);
    const retried = tasks.filter((t) => t.attempts > 1).reduce((sum, t) => sum + t.n, 0);
    const seconds = (endedAt - job.postedAt) / 1000;
    console.log(
      `[multi-instance] kill: ${job.total} cells in ${seconds.toFixed(1)} s, ${doneAtKill} done at the kill; ` +
        `calls per worker before / after the kill: ${diff(atKill, before).join(" / ")} → ${afterKill.join(" / ")}; ` +
        `refused by worker 2: ${balancer.stats[1].refused}; 502s: ${balancer.stats[1].statuses[502] ?? 0}; ` +
        `cells run a second time: ${retried}`,
    );
  }, 180_000);
});
