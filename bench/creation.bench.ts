// Creating jobs through POST /enrich on a quiet app (no other job running): 100,000 cells
// with rowIds "all" and with 10,000 explicit row ids, and 1,000,000 cells with "all". Each
// job is cancelled at once and settled before the next measurement, so the worker's
// cancellation work does not overlap it. Then a 1,000,000-cell job runs to the end
// (CREATION_BENCH_COMPLETE=0 leaves it out).
import { type Api, client, createTable, fmt, type JobDto, waitForJob } from "./support";

const KEYS = Array.from({ length: 10 }, (_, i) => `col_${i}`);

type Created = { jobId: string; totalTasks: number };

async function settle(api: Api, tableId: string, jobId: string) {
  await api.post(`/api/tables/${tableId}/enrich/jobs/${jobId}/cancel`);
  const deadline = Date.now() + 900_000;
  for (;;) {
    const job = await api.get<JobDto>(`/api/tables/${tableId}/enrich/jobs/${jobId}`);
    if (job.doneTasks + job.failedTasks >= job.totalTasks) return;
    if (Date.now() > deadline) throw new Error(`cancelled job ${jobId} not settled after 15 min`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function timeCreate(api: Api, tableId: string, body: unknown) {
  const started = performance.now();
  const job = await api.post<Created>(`/api/tables/${tableId}/enrich`, body);
  const ms = performance.now() - started;
  await settle(api, tableId, job.jobId);
  return { ms, cells: job.totalTasks };
}

export async function benchCreation(appUrl: string, apiKey: string, log = console.log) {
  const api = client(appUrl, apiKey);
  const figures: Record<string, number> = {};
  log("creating tables through the API (10,000 × 10 and 100,000 × 10)…");
  const table100k = await createTable(api, "bench creation 100k", KEYS, 10_000);
  const table1m = await createTable(api, "bench creation 1M", KEYS, 100_000);
  const rowIds = await allRowIds(api, table100k.tableId);

  for (let round = 1; round <= 2; round++) {
    const all = await timeCreate(api, table100k.tableId, { columnIds: table100k.columnIds, rowIds: "all" });
    const ids = await timeCreate(api, table100k.tableId, { columnIds: table100k.columnIds, rowIds });
    log(
      `round ${round}: POST /enrich ${fmt(all.cells)} cells, rowIds "all": ${fmt(all.ms)} ms; ${fmt(ids.cells)} cells, ${fmt(rowIds.length)} explicit row ids: ${fmt(ids.ms)} ms`,
    );
    figures[`create100kAllMs${round}`] = all.ms;
    figures[`create100kIdsMs${round}`] = ids.ms;
  }
  const million = await timeCreate(api, table1m.tableId, { columnIds: table1m.columnIds, rowIds: "all" });
  log(`POST /enrich ${fmt(million.cells)} cells, rowIds "all": ${fmt(million.ms)} ms`);
  figures.create1mAllMs = million.ms;
  if (process.env.CREATION_BENCH_COMPLETE !== "0") Object.assign(figures, await completeMillion(api, table1m, log));
  return figures;
}

/**
 * A whole-column job of 1,000,000 cells run to the end with the zero-latency demo provider:
 * cells/s from the job's start (its first step) to its end, and from POST to the end.
 */
async function completeMillion(api: Api, table: { tableId: string; columnIds: string[] }, log: typeof console.log) {
  const posted = performance.now();
  const job = await api.post<Created>(`/api/tables/${table.tableId}/enrich`, {
    columnIds: table.columnIds,
    rowIds: "all",
  });
  const createdMs = performance.now() - posted;
  const ended = await waitForJob(api, table.tableId, job.jobId, 1_800_000);
  const endToEndMs = performance.now() - posted;
  const full = await api.get<JobDto & { startedAt: string | null; completedAt: string | null }>(
    `/api/tables/${table.tableId}/enrich/jobs/${job.jobId}`,
  );
  const runMs = full.startedAt && full.completedAt ? Date.parse(full.completedAt) - Date.parse(full.startedAt) : NaN;
  const rate = (ms: number) => (job.totalTasks / ms) * 1000;
  log(
    `1,000,000-cell job run to the end: ${ended.status}, ${fmt(ended.doneTasks)} done, ${fmt(ended.failedTasks)} failed; ` +
      `started → completed ${fmt(runMs / 1000, 1)} s → ${fmt(rate(runMs))} cells/s; ` +
      `POST → completed ${fmt(endToEndMs / 1000, 1)} s → ${fmt(rate(endToEndMs))} cells/s (creation ${fmt(createdMs)} ms)`,
  );
  return { complete1mCellsPerSec: rate(runMs), complete1mEndToEndCellsPerSec: rate(endToEndMs) };
}

async function allRowIds(api: Api, tableId: string) {
  const ids: string[] = [];
  for (let offset = 0; ; offset += 1_000) {
    const page = await api.get<{ data: { id: string }[] }>(`/api/tables/${tableId}/rows?limit=1000&offset=${offset}`);
    ids.push(...page.data.map((r) => r.id));
    if (page.data.length < 1_000) return ids;
  }
}
