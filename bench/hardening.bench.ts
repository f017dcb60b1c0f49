// Figures of the hardening issue: what a poll costs as the database grows (10k → 300k → 1M
// tasks of other tables), 200 open grids reading row windows and polling cells/status during a
// 20,000-cell job, and how long cancelling a running 100,000-cell job takes to answer.
import { disconnectDb, getDb } from "../lib/db";
import { createEnrichmentJob } from "../lib/enrichment/create-job";
import type { Stack } from "../scripts/stack";
import { cpuMeter } from "./cpu";
import { type Api, client, createTable, fmt, summarize, waitForJob } from "./support";

const KEYS = ["email", "company", "title", "linkedin", "location", "industry", "phone", "bio", "revenue", "employees"];

type Status = { cursor: string; cells: unknown[]; hasMore: boolean };

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await fn();
  return [value, performance.now() - t0];
}

/** p50/p99 of `n` sequential calls of each read a grid makes, on a small table. */
async function readLatencies(api: Api, leads: { tableId: string; jobId: string }, n = 60) {
  const status: number[] = [];
  const job: number[] = [];
  const window: number[] = [];
  const { cursor } = await api.get<Status>(`/api/tables/${leads.tableId}/cells/status?limit=1`);
  for (let i = 0; i < n; i++) {
    status.push((await timed(() => api.get(`/api/tables/${leads.tableId}/cells/status?since=${cursor}`)))[1]);
    job.push((await timed(() => api.get(`/api/tables/${leads.tableId}/enrich/jobs/${leads.jobId}`)))[1]);
    window.push((await timed(() => api.get(`/api/tables/${leads.tableId}/rows?offset=0&limit=200`)))[1]);
  }
  return { status: summarize(status), job: summarize(job), window: summarize(window) };
}

/**
 * Adds 10,000-cell jobs on a table of its own until the database holds `target` tasks. Each is
 * cancelled through the API at once, so the watchdog does not run them during the measurements:
 * their tasks stay, which is what the figures are about.
 */
async function growTasksTo(api: Api, target: number, filler: { tableId: string; columnIds: string[] }) {
  for (;;) {
    const total = await getDb().cellEnrichmentTask.count();
    if (total >= target) return total;
    const job = await createEnrichmentJob({
      tableId: filler.tableId,
      source: { mode: "grid", columnIds: filler.columnIds, rowIds: "all" },
    });
    await api.post(`/api/tables/${filler.tableId}/enrich/jobs/${job.jobId}/cancel`);
  }
}

type Growth = { leads: { tableId: string; jobId: string }; filler: { tableId: string; columnIds: string[] } };

/** The small table that is polled, and the big one whose jobs fill the database. */
async function startGrowth(api: Api, log: (line: string) => void): Promise<Growth> {
  const leads = await createTable(api, "bench leads", ["email"], 10);
  const leadsJob = await api.post<{ jobId: string }>(`/api/tables/${leads.tableId}/enrich`, {
    columnIds: leads.columnIds,
  });
  await waitForJob(api, leads.tableId, leadsJob.jobId, 60_000);
  const filler = await createTable(api, "bench filler (never polled)", KEYS, 1_000);
  log("cells/status, GET job and a row window of a 10-row table, as other tables' tasks grow (60 calls each):");
  return { leads: { tableId: leads.tableId, jobId: leadsJob.jobId }, filler };
}

async function pollsAt(api: Api, growth: Growth, targets: number[], log: (line: string) => void) {
  const { leads, filler } = growth;
  for (const target of targets) {
    const tasks = await growTasksTo(api, target, filler);
    await getDb().$executeRawUnsafe("ANALYZE cell_enrichment_tasks");
    const r = await readLatencies(api, leads);
    log(
      `  ${fmt(tasks)} tasks: cells/status p50 ${fmt(r.status.p50, 1)} / p99 ${fmt(r.status.p99, 1)} ms · GET job p50 ${fmt(r.job.p50, 1)} / p99 ${fmt(r.job.p99, 1)} ms · row window p50 ${fmt(r.window.p50, 1)} / p99 ${fmt(r.window.p99, 1)} ms`,
    );
  }
}

/**
 * How an open grid polls: "table" asks for every cell of the table that changed, "window" for
 * the cells of the rows it shows (cells/status?rowIds=).
 */
type Scope = "table" | "window";

/**
 * 200 clients, each once a second: a window of 200 rows and a cells/status poll from its
 * cursor. Their first call takes a cursor (cells/status?limit=1), as the grid does.
 */
async function openGrids(api: Api, tableId: string, rows: number, scope: Scope, until: () => boolean) {
  const windows: number[] = [];
  const polls: number[] = [];
  const firsts: number[] = [];
  let errors = 0;
  let polledBytes = 0;
  await Promise.all(
    Array.from({ length: 200 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * 5));
      const [first, firstMs] = await timed(() => api.get<Status>(`/api/tables/${tableId}/cells/status?limit=1`));
      firsts.push(firstMs);
      let cursor = first.cursor;
      while (!until()) {
        const started = Date.now();
        const offset = Math.floor(Math.random() * Math.max(1, rows - 200));
        try {
          const [window, windowMs] = await timed(() =>
            api.get<{ data: { id: string }[] }>(`/api/tables/${tableId}/rows?offset=${offset}&limit=200`),
          );
          const rowIds = scope === "window" ? `&rowIds=${window.data.map((r) => r.id).join(",")}` : "";
          const [page, statusMs] = await timed(() =>
            api.get<Status>(`/api/tables/${tableId}/cells/status?since=${encodeURIComponent(cursor)}${rowIds}`),
          );
          cursor = page.cursor;
          polledBytes += JSON.stringify(page).length;
          windows.push(windowMs);
          polls.push(statusMs);
        } catch {
          errors++;
        }
        await new Promise((r) => setTimeout(r, Math.max(0, 1_000 - (Date.now() - started))));
      }
    }),
  );
  return {
    all: summarize([...firsts, ...windows, ...polls]),
    first: summarize(firsts),
    window: summarize(windows),
    poll: summarize(polls),
    polledBytes,
    errors,
  };
}

async function gridsDuringAJob(stack: Stack, api: Api, scopes: Scope[], log: (line: string) => void) {
  const solo = await createTable(api, "bench 20k cells alone", KEYS, 2_000);
  const [, aloneMs] = await timed(async () => {
    const job = await api.post<{ jobId: string }>(`/api/tables/${solo.tableId}/enrich`, { columnIds: solo.columnIds });
    await waitForJob(api, solo.tableId, job.jobId, 600_000);
  });
  for (const scope of scopes) {
    const watched = await createTable(api, `bench 20k cells watched (${scope})`, KEYS, 2_000);
    let finished = false;
    const started = performance.now();
    const cpu = cpuMeter(stack);
    const job = await api.post<{ jobId: string }>(`/api/tables/${watched.tableId}/enrich`, {
      columnIds: watched.columnIds,
    });
    const grids = openGrids(api, watched.tableId, 2_000, scope, () => finished);
    await waitForJob(api, watched.tableId, job.jobId, 600_000);
    const withMs = performance.now() - started;
    const cpuUsed = cpu();
    finished = true;
    const g = await grids;
    const p = (x: { p50: number; p99: number }) => `p50 ${fmt(x.p50, 1)} / p99 ${fmt(x.p99, 1)} ms`;
    log(
      `200 open grids (a row window + a cells/status poll of the ${scope === "window" ? "window's rows" : "whole table"} each, once a second) during a 20,000-cell job: ` +
        `every request ${p(g.all)}, ${fmt(g.all.n)} requests, ${g.errors} errors`,
    );
    log(
      `  first poll ${p(g.first)} · row window ${p(g.window)} · cells/status ${p(g.poll)}; the polls carried ${fmt(g.polledBytes / 1e6, 1)} MB`,
    );
    log(
      `  the job took ${fmt(withMs / 1000, 1)} s with them, ${fmt(aloneMs / 1000, 1)} s alone (×${fmt(withMs / aloneMs, 2)})`,
    );
    log(`  ${cpuUsed}`);
  }
}

async function cancelARunningJob(api: Api, log: (line: string) => void) {
  const big = await createTable(api, "bench cancel 100k", KEYS, 10_000);
  const job = await api.post<{ jobId: string }>(`/api/tables/${big.tableId}/enrich`, { columnIds: big.columnIds });
  // Cancel once it is well under way.
  for (;;) {
    const now = await api.get<{ doneTasks: number }>(`/api/tables/${big.tableId}/enrich/jobs/${job.jobId}`);
    if (now.doneTasks >= 5_000) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const [answer, ms] = await timed(() =>
    api.post<{ status: string }>(`/api/tables/${big.tableId}/enrich/jobs/${job.jobId}/cancel`),
  );
  // The job is cancelled at once; its queued cells are settled in the background: wait for all.
  const [ended, settleMs] = await timed(async () => {
    for (;;) {
      const now = await api.get<{ doneTasks: number; failedTasks: number; totalTasks: number }>(
        `/api/tables/${big.tableId}/enrich/jobs/${job.jobId}`,
      );
      if (now.doneTasks + now.failedTasks === now.totalTasks) return now;
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  log(
    `cancelling a running 100,000-cell job: answered ${answer.status} in ${fmt(ms)} ms; every cell settled ${fmt(settleMs / 1000, 1)} s later (${fmt(ended.doneTasks)} done, ${fmt(ended.failedTasks)} cancelled)`,
  );
}

export async function benchHardening(stack: Stack, log = console.log) {
  const api = client(stack.appUrl, stack.demo.apiKey);
  // HARDENING_BENCH_PARTS=grids,cancel,growth picks the parts (all by default);
  // HARDENING_GRID_SCOPES=window,table how the open grids poll (both by default).
  const parts = (process.env.HARDENING_BENCH_PARTS ?? "grids,cancel,growth").split(",");
  const scopes = (process.env.HARDENING_GRID_SCOPES ?? "window,table").split(",") as Scope[];
  // The growth's first point is measured on the fresh database, before the other parts add tasks.
  const growth = parts.includes("growth") ? await startGrowth(api, log) : undefined;
  if (growth) await pollsAt(api, growth, [10_000], log);
  if (parts.includes("grids")) await gridsDuringAJob(stack, api, scopes, log);
  if (parts.includes("cancel")) await cancelARunningJob(api, log);
  if (growth) await pollsAt(api, growth, [300_000, 1_000_000], log);
  await disconnectDb();
}
