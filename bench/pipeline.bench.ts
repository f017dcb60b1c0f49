// Full-stack figures through HTTP and the built-in Inngest dev server: creating a
// 100,000-task job, GET job latency under 50 pollers, end-to-end cells/s for 10,000 and
// 100,000 cells, a plain-SQL baseline writing the same values in bulk, and a 10,000-cell
// job with 200 ms of provider latency.
import { getDb } from "../lib/db";
import { createEnrichmentJob } from "../lib/enrichment/create-job";
import { demoConfidence, demoValue } from "../lib/enrichment/providers/demo-values";
import { runCellBatch } from "../lib/enrichment/run-batch";
import type { Stack } from "../scripts/stack";
import { cpuMeter } from "./cpu";
import { type Api, client, createTable, fmt, summarize, waitForJob } from "./support";
import { taskIdsOf } from "./tasks";

const KEYS = ["email", "company", "title", "linkedin", "location", "industry", "phone", "bio", "revenue", "employees"];

type Enriched = { jobId: string; totalTasks: number };

async function runJob(api: Api, tableId: string, columnIds: string[]) {
  const started = performance.now();
  const job = await api.post<Enriched>(`/api/tables/${tableId}/enrich`, { columnIds, rowIds: "all" });
  const postMs = performance.now() - started;
  return { job, postMs, started };
}

/**
 * 50 clients polling GET /jobs/:jobId for `ms`, each waiting `intervalMs` between polls
 * (the grid polls once a second; 0 = back to back, a saturation test).
 */
async function pollers(api: Api, tableId: string, jobId: string, ms: number, intervalMs: number) {
  const samples: number[] = [];
  const until = Date.now() + ms;
  await Promise.all(
    Array.from({ length: 50 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, (i * intervalMs) / 50));
      while (Date.now() < until) {
        const t0 = performance.now();
        await api.get(`/api/tables/${tableId}/enrich/jobs/${jobId}`);
        samples.push(performance.now() - t0);
        if (intervalMs > 0) await new Promise((r) => setTimeout(r, intervalMs));
      }
    }),
  );
  return summarize(samples);
}

/** The same 100,000 values written by two set-based statements, no orchestration at all. */
async function sqlBaseline(tableId: string, columnIds: string[]) {
  const job = await createEnrichmentJob({ tableId, source: { mode: "grid", columnIds, rowIds: "all" } });
  const tasks = await getDb().cellEnrichmentTask.findMany({
    where: { jobId: job.jobId },
    select: { id: true, rowId: true, columnId: true },
  });
  const columns = await getDb().column.findMany({ where: { tableId }, select: { id: true, key: true } });
  const keyOf = new Map(columns.map((c) => [c.id, c.key]));
  const started = performance.now();
  const ids = tasks.map((t) => t.id);
  const values = tasks.map((t) => JSON.stringify(demoValue(t.rowId, keyOf.get(t.columnId) ?? "").value));
  const confidences = tasks.map((t) => demoConfidence(t.rowId, keyOf.get(t.columnId) ?? ""));
  await getDb().$executeRaw`
    WITH v AS (SELECT * FROM unnest(${ids}::uuid[], ${values}::jsonb[], ${confidences}::float8[]) AS u(id, value, confidence)),
    t AS (
      UPDATE cell_enrichment_tasks ct SET status = 'done', confidence = v.confidence, completed_at = now(),
             result = jsonb_build_object('value', v.value, 'confidence', v.confidence, 'source', 'sql-baseline')
        FROM v WHERE ct.id = v.id RETURNING ct.row_id, ct.column_id, v.value
    )
    UPDATE rows r SET data = r.data || p.vals
      FROM (SELECT t.row_id, jsonb_object_agg(c.key, t.value) AS vals FROM t JOIN columns c ON c.id = t.column_id GROUP BY t.row_id) p
     WHERE r.id = p.row_id`;
  const ms = performance.now() - started;
  return { cells: tasks.length, ms, rate: tasks.length / (ms / 1000) };
}

/**
 * GET /jobs/:jobId while the job's cells are being run by the engine in this process (the
 * app process only serves the API), i.e. the endpoint's own cost under write load.
 */
async function pollWhileEngineRuns(api: Api, tableId: string, columnIds: string[]) {
  const job = await createEnrichmentJob({ tableId, source: { mode: "grid", columnIds, rowIds: "all" } });
  const ids = await taskIdsOf(job.jobId);
  let next = 0;
  let stop = false;
  const workers = Array.from({ length: 4 }, async () => {
    while (!stop && next < ids.length) {
      const batch = ids.slice(next, next + 100);
      next += 100;
      await runCellBatch(batch, 1);
    }
  });
  const paced = await pollers(api, tableId, job.jobId, 6_000, 1_000);
  const flat = await pollers(api, tableId, job.jobId, 3_000, 0);
  stop = true;
  await Promise.all(workers);
  return { paced, flat, cellsDuring: next };
}

export type PipelineFigures = Record<string, number>;

export async function benchPipeline(stack: Stack, log = console.log): Promise<PipelineFigures> {
  const api = client(stack.appUrl, stack.demo.apiKey);
  const figures: PipelineFigures = {};

  log("creating tables through the API (10,000 × 10 and 1,000 × 10)…");
  const t0 = performance.now();
  const big = await createTable(api, "bench 100k cells", KEYS, 10_000);
  figures.createRows10kMs = performance.now() - t0;
  const small = await createTable(api, "bench 10k cells", KEYS, 1_000);

  // 10,000 cells end to end.
  {
    const { job, started } = await runJob(api, small.tableId, small.columnIds);
    const done = await waitForJob(api, small.tableId, job.jobId, 600_000);
    const seconds = (performance.now() - started) / 1000;
    figures.e2e10kCellsPerSec = job.totalTasks / seconds;
    log(
      `end to end, 10,000 cells: ${fmt(seconds, 1)} s → ${fmt(figures.e2e10kCellsPerSec)} cells/s (${done.status}, ${done.failedTasks} failed)`,
    );
  }

  // 100,000 cells: POST latency, pollers while it runs, then end to end.
  {
    const { job, postMs, started } = await runJob(api, big.tableId, big.columnIds);
    figures.create100kTasksMs = postMs;
    log(`POST /enrich creating ${fmt(job.totalTasks)} tasks: ${fmt(postMs)} ms`);
    const cpu = cpuMeter(stack);
    const paced = await pollers(api, big.tableId, job.jobId, 6_000, 1_000);
    const cpuUsed = cpu();
    figures.getJobP50Ms = paced.p50;
    figures.getJobP99Ms = paced.p99;
    log(
      `GET /jobs/:jobId, 50 pollers once a second during the job: p50 ${fmt(paced.p50, 1)} ms, p99 ${fmt(paced.p99, 1)} ms (${fmt(paced.n)} requests)`,
    );
    log(`  ${cpuUsed}`);
    const flat = await pollers(api, big.tableId, job.jobId, 4_000, 0);
    figures.getJobSaturatedP50Ms = flat.p50;
    figures.getJobSaturatedP99Ms = flat.p99;
    log(
      `GET /jobs/:jobId, 50 pollers back to back during the job: p50 ${fmt(flat.p50, 1)} ms, p99 ${fmt(flat.p99, 1)} ms (${fmt(flat.n)} requests)`,
    );
    const done = await waitForJob(api, big.tableId, job.jobId, 1_800_000);
    const seconds = (performance.now() - started) / 1000;
    figures.e2e100kCellsPerSec = job.totalTasks / seconds;
    log(
      `end to end, 100,000 cells: ${fmt(seconds, 1)} s → ${fmt(figures.e2e100kCellsPerSec)} cells/s (${done.status}, ${done.failedTasks} failed)`,
    );
  }

  {
    const { paced, flat, cellsDuring } = await pollWhileEngineRuns(api, small.tableId, small.columnIds);
    figures.getJobEngineP99Ms = paced.p99;
    log(
      `GET /jobs/:jobId while the engine runs the job (${fmt(cellsDuring)} cells written meanwhile), 50 pollers once a second: p50 ${fmt(paced.p50, 1)} ms, p99 ${fmt(paced.p99, 1)} ms; back to back: p50 ${fmt(flat.p50, 1)} ms, p99 ${fmt(flat.p99, 1)} ms`,
    );
  }

  {
    const baseline = await sqlBaseline(big.tableId, big.columnIds);
    figures.sqlBaselineCellsPerSec = baseline.rate;
    figures.e2eToBaselineRatio = figures.e2e100kCellsPerSec / baseline.rate;
    log(
      `plain SQL baseline, ${fmt(baseline.cells)} cells in bulk: ${fmt(baseline.ms)} ms → ${fmt(baseline.rate)} cells/s; end to end reaches ${fmt(100 * figures.e2eToBaselineRatio, 1)}% of it`,
    );
  }

  // 200 ms per provider call: enough cells must be in flight at once.
  {
    await stack.restartApp({ GLAZE_PROVIDER_LATENCY_MS: "200" });
    const slow = await createTable(api, "bench 10k cells, 200 ms provider", KEYS, 1_000);
    const { job, started } = await runJob(api, slow.tableId, slow.columnIds);
    await waitForJob(api, slow.tableId, job.jobId, 600_000);
    figures.e2e10kLatency200Sec = (performance.now() - started) / 1000;
    log(`end to end, 10,000 cells at 200 ms per provider call: ${fmt(figures.e2e10kLatency200Sec, 1)} s`);
    await stack.restartApp({ GLAZE_PROVIDER_LATENCY_MS: "0" });
  }
  return figures;
}
