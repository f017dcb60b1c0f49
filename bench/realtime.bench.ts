// Figures of the real-time issue (BENCH_ONLY=realtime), against the production build:
//  1. 500 SSE clients on one table during a 100,000-cell job: commit-to-client latency of
//     every done cell at every client (commit = the task's completed_at, arrival = when the
//     client read the event; one clock, one machine), missed or repeated cells per client
//     (each client's final state against the database), the app's memory. The clients run
//     on worker threads (sse-clients.ts), by default at a higher priority than the server.
//  2. Commit to painted cell in a second browser tab (realtime-browser.ts).
//  3. GET job under 50 API pollers at 1/s during a 100,000-cell job, with 50 grids on the
//     stream, beside 50 grids polling as they did before.
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { getDb } from "../lib/db";
import { cellStatusSince } from "../lib/enrichment/cell-status";
import type { Stack } from "../scripts/stack";
import { cpuMeter } from "./cpu";
import { commitToPaint } from "./realtime-browser";
import { type Registry, SseClient } from "./sse-client";
import { SseClientPool } from "./sse-clients";
import { type Api, client, createTable, fmt, summarize, waitForJob } from "./support";

const KEYS = ["email", "company", "title", "linkedin", "location", "industry", "phone", "bio", "revenue", "employees"];
const CLIENTS = Number(process.env.REALTIME_BENCH_CLIENTS ?? 500);
/** Threads part 1's clients run on (the cores, by default). */
const CLIENT_THREADS = Number(process.env.REALTIME_BENCH_CLIENT_THREADS ?? availableParallelism());
/**
 * Their priority: the clients stand for 500 browsers on machines of their own, so by default
 * they read before the server's processes get the cores (when the bench may raise it: root).
 * `REALTIME_BENCH_CLIENT_NICE=0` makes them share the cores equally with the server.
 */
const CLIENT_NICE = Number(process.env.REALTIME_BENCH_CLIENT_NICE ?? -10);
// REALTIME_BENCH_PARTS=clients,paint,job picks the parts; REALTIME_BENCH_CLIENTS sets part 1's
// clients, REALTIME_BENCH_CLIENT_THREADS the threads they run on and REALTIME_BENCH_CLIENT_NICE
// their priority.

type Cell = { rowId: string; columnId: string; taskId: string; status: string; attempts: number; error: string | null };
type CellsEvent = { cursor: string; cells: Cell[]; hasMore: boolean };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resident memory of the app (the `next start` process and its children), in MiB. */
export function appMemory(stack: Stack): number {
  const pid = stack.appPid();
  if (!pid) return Number.NaN;
  const pids = [pid];
  try {
    pids.push(...readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").split(" ").filter(Boolean).map(Number));
  } catch {}
  let kb = 0;
  for (const p of pids) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0);
    } catch {}
  }
  return kb / 1024;
}

async function until(condition: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Latency histogram in whole milliseconds. */
class Histogram {
  private readonly counts = new Uint32Array(600_001);
  n = 0;
  add(ms: number) {
    this.counts[Math.min(this.counts.length - 1, Math.max(0, Math.round(ms)))]++;
    this.n++;
  }
  percentile(p: number) {
    let seen = 0;
    const target = Math.ceil((p / 100) * this.n);
    for (let ms = 0; ms < this.counts.length; ms++) {
      seen += this.counts[ms];
      if (seen >= target) return ms;
    }
    return Number.NaN;
  }
}

async function sseClientsDuringAJob(stack: Stack, api: Api, log: (line: string) => void) {
  const table = await createTable(api, "bench realtime 500 clients", KEYS, 10_000);
  const url = `${stack.appUrl}/api/tables/${table.tableId}/events`;
  const memoryBefore = appMemory(stack);
  const pool = new SseClientPool(url, stack.demo.apiKey, CLIENTS, CLIENT_THREADS, CLIENT_NICE);
  await until(
    () => pool.status().length === CLIENTS && pool.status().every((c) => c.events > 0),
    60_000,
    "every client's first event",
  );
  const memoryConnected = appMemory(stack);
  let memoryPeak = memoryConnected;
  const sampler = setInterval(() => {
    memoryPeak = Math.max(memoryPeak, appMemory(stack));
  }, 500);
  const cpu = cpuMeter(stack);
  const started = performance.now();
  const job = await api.post<{ jobId: string }>(`/api/tables/${table.tableId}/enrich`, { columnIds: table.columnIds });
  const jobId = job.jobId;
  pool.watchJob(jobId);
  await waitForJob(api, table.tableId, jobId, 900_000);
  const jobMs = performance.now() - started;
  const cpuDuringJob = cpu();
  // A client that saw the end may still have cells on the way (the job's end comes before its
  // last cells in the same chunk, and a client dropped mid-chunk catches up after reconnecting):
  // it is done once it is connected and its last event id is a cursor that sees the job's last
  // task change.
  const [{ xid }] = await getDb().$queryRaw<{ xid: string }[]>`
    SELECT max(change_xid)::text AS xid FROM cell_enrichment_tasks WHERE job_id = ${jobId}::uuid`;
  const seesLastChange = (cursor = "") => {
    const [xmin, xmax, xip] = cursor.split(":");
    if (xmax === undefined) return false;
    const last = BigInt(xid);
    return last < BigInt(xmin) || (last < BigInt(xmax) && !xip.split(",").includes(xid));
  };
  const settled = () => pool.status().filter((c) => c.ended && c.caughtUp && seesLastChange(c.lastEventId)).length;
  await until(() => settled() === CLIENTS, 120_000, "every client to see the job end and its last cells").catch((e) =>
    log(`  ${(e as Error).message}: ${settled()} of ${CLIENTS}`),
  );
  const settledMs = performance.now() - started - jobMs;
  clearInterval(sampler);
  const memoryAfter = appMemory(stack);
  const { arrivals: received, connects, registry } = await pool.collect();
  const clients = received.map((arrivals, i) => ({ arrivals, connects: connects[i] }));
  await sleep(2_000);
  const memoryClosed = appMemory(stack);

  // Each distinct event is parsed once; clients that received the same events share a fold.
  const parsed = new Map<string, CellsEvent>();
  const eventOf = (key: string) => {
    let event = parsed.get(key);
    if (!event) {
      event = JSON.parse(registry.get(key)?.data ?? "{}") as CellsEvent;
      parsed.set(key, event);
    }
    return event;
  };
  const isCells = (key: string) => registry.get(key)?.type === "cells";
  const database = await cellStatusSince({ tableId: table.tableId, limit: 200_000 });
  const tasks = await getDb().cellEnrichmentTask.findMany({
    where: { jobId },
    select: { id: true, completedAt: true },
  });
  const committed = new Map(tasks.map((t) => [t.id, t.completedAt?.getTime() ?? Number.NaN]));
  const groups = new Map<string, typeof clients>();
  for (const c of clients) {
    const signature = c.arrivals.map((a) => a.key).join("\n");
    groups.set(signature, [...(groups.get(signature) ?? []), c]);
  }
  // A page with hasMore tells a client to refetch what it shows (README): a client sent one is
  // checked from there on, on every cell changed since that page's cursor.
  let missed = 0;
  let repeated = 0;
  let resynced = 0;
  for (const [, members] of groups) {
    const arrivals = members[0].arrivals.filter(({ key }) => isCells(key));
    let from = 0;
    arrivals.forEach(({ key }, i) => {
      if (eventOf(key).hasMore) from = i + 1;
    });
    const latest = new Map<string, Cell>();
    const seen = new Set<string>();
    let repeats = 0;
    for (const { key } of arrivals.slice(from)) {
      for (const cell of eventOf(key).cells) {
        const state = `${cell.taskId}|${cell.status}|${cell.attempts}|${cell.error}`;
        if (seen.has(state)) repeats++;
        seen.add(state);
        latest.set(`${cell.rowId}:${cell.columnId}`, cell);
      }
    }
    const expected =
      from === 0
        ? database.cells
        : (
            await cellStatusSince({
              tableId: table.tableId,
              since: eventOf(arrivals[from - 1].key).cursor,
              limit: 200_000,
            })
          ).cells;
    if (from > 0) resynced += members.length;
    let wrong = 0;
    for (const cell of expected) {
      const got = latest.get(`${cell.rowId}:${cell.columnId}`);
      if (!got || got.taskId !== cell.taskId || got.status !== cell.status) wrong++;
    }
    missed += wrong * members.length;
    repeated += repeats * members.length;
  }
  const latency = new Histogram();
  const doneTimes = new Map<string, number[]>();
  for (const c of clients) {
    for (const { key, at } of c.arrivals) {
      if (!isCells(key)) continue;
      let times = doneTimes.get(key);
      if (!times) {
        times = eventOf(key)
          .cells.filter((cell) => cell.status === "done")
          .map((cell) => committed.get(cell.taskId) ?? Number.NaN);
        doneTimes.set(key, times);
      }
      for (const t of times) latency.add(at - t);
    }
  }
  // What one client was sent: bytes of event data and cells by status (the busiest client).
  let busiest = { bytes: 0, statuses: new Map<string, number>() };
  for (const [, members] of groups) {
    let bytes = 0;
    const statuses = new Map<string, number>();
    for (const { key } of members[0].arrivals) {
      bytes += registry.get(key)?.data.length ?? 0;
      if (!isCells(key)) continue;
      for (const cell of eventOf(key).cells) statuses.set(cell.status, (statuses.get(cell.status) ?? 0) + 1);
    }
    if (bytes > busiest.bytes) busiest = { bytes, statuses };
  }
  const reconnects = clients.reduce((n, c) => n + c.connects - 1, 0);
  log(
    `${fmt(CLIENTS)} SSE clients (${fmt(pool.priorities.length)} threads at priority ${[...new Set(pool.priorities)].join("/")}) on one table, a 100,000-cell job (${fmt(jobMs / 1000, 1)} s, ${fmt(100_000 / (jobMs / 1000))} cells/s):`,
  );
  log(
    `  commit → client latency of done cells: p50 ${fmt(latency.percentile(50))} ms, p95 ${fmt(latency.percentile(95))} ms, p99 ${fmt(latency.percentile(99))} ms (${fmt(latency.n)} samples)`,
  );
  log(
    `  cells missed ${fmt(missed)}, repeated ${fmt(repeated)} (over all clients; each client's final state against the database), ${fmt(groups.size)} distinct event sequence(s), ${fmt(reconnects)} reconnect(s), ${fmt(resynced)} client(s) sent a resync page (hasMore)`,
  );
  log(
    `  the busiest client was sent ${fmt(busiest.bytes / 1e6, 1)} MB of event data; cells by status: ${[...busiest.statuses].map(([k, n]) => `${k} ${fmt(n)}`).join(", ")}`,
  );
  log(`  every client had the last event ${fmt(Math.max(0, settledMs) / 1000, 1)} s after the job ended`);
  log(`  ${cpuDuringJob} (the job's span)`);
  log(
    `  app memory: ${fmt(memoryBefore)} MiB before, ${fmt(memoryConnected)} MiB with the clients connected, peak ${fmt(memoryPeak)} MiB during the job, ${fmt(memoryAfter)} MiB after it, ${fmt(memoryClosed)} MiB once they left`,
  );
}

/** 50 API pollers of GET job at 1/s during a 100,000-cell job, with 50 grids following it `grids`-style. */
async function getJobBeside(stack: Stack, api: Api, grids: "stream" | "polling") {
  const table = await createTable(api, `bench GET job beside ${grids} grids`, KEYS, 10_000);
  let done = false;
  const registry: Registry = new Map();
  const streams: SseClient[] = [];
  const tabs: Promise<void>[] = [];
  for (let i = 0; i < 50; i++) {
    if (grids === "stream") {
      const c = new SseClient(`${stack.appUrl}/api/tables/${table.tableId}/events`, stack.demo.apiKey, registry);
      c.start();
      streams.push(c);
    } else {
      tabs.push(pollingGrid(api, table.tableId, () => done));
    }
  }
  await sleep(1_000);
  const job = await api.post<{ jobId: string }>(`/api/tables/${table.tableId}/enrich`, { columnIds: table.columnIds });
  const samples: number[] = [];
  const pollers = Array.from({ length: 50 }, async (_, i) => {
    await sleep(i * 20);
    while (!done) {
      const t0 = performance.now();
      await api.get(`/api/tables/${table.tableId}/enrich/jobs/${job.jobId}`);
      samples.push(performance.now() - t0);
      await sleep(1_000);
    }
  });
  await waitForJob(api, table.tableId, job.jobId, 900_000);
  done = true;
  await Promise.all([...pollers, ...tabs]);
  for (const c of streams) c.close();
  return summarize(samples);
}

/** What a grid did before the stream: its jobs list and cells/status from its cursor, once a second. */
async function pollingGrid(api: Api, tableId: string, done: () => boolean) {
  let { cursor } = await api.get<{ cursor: string }>(`/api/tables/${tableId}/cells/status?limit=1`);
  while (!done()) {
    const started = Date.now();
    await api.get(`/api/tables/${tableId}/enrich/jobs?limit=20`);
    ({ cursor } = await api.get<{ cursor: string }>(
      `/api/tables/${tableId}/cells/status?since=${encodeURIComponent(cursor)}`,
    ));
    await sleep(Math.max(0, 1_000 - (Date.now() - started)));
  }
}

export async function benchRealtime(stack: Stack, log = console.log) {
  const api = client(stack.appUrl, stack.demo.apiKey);
  const parts = (process.env.REALTIME_BENCH_PARTS ?? "clients,paint,job").split(",");
  if (parts.includes("clients")) await sseClientsDuringAJob(stack, api, log);
  if (parts.includes("paint")) await commitToPaint(stack, log);
  for (const grids of parts.includes("job") ? (["stream", "polling"] as const) : []) {
    const r = await getJobBeside(stack, api, grids);
    log(
      `GET job, 50 API pollers at 1/s during a 100,000-cell job, 50 grids ${grids === "stream" ? "on the event stream" : "polling (jobs + cells/status at 1/s)"}: p50 ${fmt(r.p50, 1)} ms, p99 ${fmt(r.p99, 1)} ms (${fmt(r.n)} requests)`,
    );
  }
}
