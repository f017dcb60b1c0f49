// Creating jobs through POST /enrich on a quiet app (no other job running): 100,000 cells
// with rowIds "all" and with 10,000 explicit row ids, and 1,000,000 cells with "all". Each
// job is cancelled at once and settled before the next measurement, so the worker's
// cancellation work does not overlap it.
import { type Api, client, createTable, fmt, type JobDto } from "./support";

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
  return figures;
}

async function allRowIds(api: Api, tableId: string) {
  const ids: string[] = [];
  for (let offset = 0; ; offset += 1_000) {
    const page = await api.get<{ data: { id: string }[] }>(`/api/tables/${tableId}/rows?limit=1000&offset=${offset}`);
    ids.push(...page.data.map((r) => r.id));
    if (page.data.length < 1_000) return ids;
  }
}
