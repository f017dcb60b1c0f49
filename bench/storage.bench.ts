// Storage: bytes per cell and per task at 100,000 tasks, how tasks and rows grow when one
// column is re-run and what retention gives back, and dead tuples / table growth around a
// 100,000-cell job on big tables, with the hot tables' autovacuum settings (the migration's)
// and with Postgres's defaults. Direct engine calls (no HTTP), zero provider latency.
import { getDb } from "../lib/db";
import { compactTasks } from "../lib/enrichment/compaction";
import { createEnrichmentJob } from "../lib/enrichment/create-job";
import { runCellBatch } from "../lib/enrichment/run-batch";
import { createRows } from "../lib/rows/rows";
import { createTable } from "../lib/tables/tables";
import { fmt } from "./support";
import { taskIdsOf } from "./tasks";

const HOT = ["cell_enrichment_tasks", "rows", "enrichment_job_counters", "api_rate_windows", "table_changes"] as const;
const KEYS = ["email", "company", "title", "location", "industry"];
const ROWS = 20_000;
const kb = (bytes: number) => `${fmt(bytes / 1024)} kB`;
const mb = (bytes: number) => `${fmt(bytes / 1024 / 1024, 1)} MB`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Sizes = {
  heap: number;
  indexes: number;
  toast: number;
  total: number;
  live: number;
  dead: number;
  vacuums: number;
};

async function sizesOf(table: string): Promise<Sizes> {
  const [s] = await getDb().$queryRawUnsafe<Sizes[]>(
    `SELECT pg_relation_size(c.oid)::float8 AS heap, pg_indexes_size(c.oid)::float8 AS indexes,
            COALESCE(pg_total_relation_size(c.reltoastrelid), 0)::float8 AS toast,
            pg_total_relation_size(c.oid)::float8 AS total, s.n_live_tup::float8 AS live, s.n_dead_tup::float8 AS dead,
            s.autovacuum_count::float8 AS vacuums
       FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.oid = $1::regclass`,
    table,
  );
  return s;
}

async function vacuum(full = false) {
  for (const table of HOT) await getDb().$executeRawUnsafe(`VACUUM (${full ? "FULL, " : ""}ANALYZE) "${table}"`);
}

async function freshTable(workspaceId: string, name: string, rows: number) {
  const table = await createTable({
    workspaceId,
    input: {
      name,
      description: null,
      columns: ["name", ...KEYS].map((key) => ({ key, label: key, dataType: "text" as const })),
    },
  });
  for (let offset = 0; offset < rows; offset += 10_000) {
    const count = Math.min(10_000, rows - offset);
    await createRows({
      tableId: table.id,
      input: { rows: Array.from({ length: count }, (_, i) => ({ data: { name: `Lead ${offset + i}` } })) },
    });
  }
  return { tableId: table.id, columnIds: (table.columns ?? []).filter((c) => c.key !== "name").map((c) => c.id) };
}

/** Creates and runs a job over every row of `columnIds` (batches of 100, 4 at a time). */
async function runJob(tableId: string, columnIds: string[]) {
  const job = await createEnrichmentJob({ tableId, source: { mode: "grid", columnIds, rowIds: "all" } });
  const ids = await taskIdsOf(job.jobId);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < ids.length) {
        const from = next;
        next += 100;
        await runCellBatch(ids.slice(from, from + 100));
      }
    }),
  );
  return { jobId: job.jobId, cells: ids.length, ms: performance.now() - started };
}

async function perCellAndTask(workspaceId: string, log: (line: string) => void) {
  const t = await freshTable(workspaceId, "storage bench: bytes", ROWS);
  const job = await runJob(t.tableId, t.columnIds);
  await vacuum();
  const tasks = await sizesOf("cell_enrichment_tasks");
  const rows = await sizesOf("rows");
  const search = await sizesOf("row_search");
  const [col] = await getDb().$queryRaw<{ tuple: number; result: number; n: number }[]>`
    SELECT avg(pg_column_size(t.*))::float8 AS tuple, avg(pg_column_size(t.result))::float8 AS result, count(*)::float8 AS n
      FROM cell_enrichment_tasks t WHERE t.job_id = ${job.jobId}::uuid`;
  const [row] = await getDb().$queryRaw<{ tuple: number; data: number; states: number; n: number }[]>`
    SELECT avg(pg_column_size(r.*))::float8 AS tuple, avg(pg_column_size(r.data))::float8 AS data,
           avg(pg_column_size(r.cell_states))::float8 AS states, count(*)::float8 AS n
      FROM rows r WHERE r.table_id = ${t.tableId}::uuid`;
  const perTask = (s: Sizes) => `${fmt(s.total / s.live)} B/task`;
  log(
    `cell_enrichment_tasks at ${fmt(tasks.live)} tasks: heap ${mb(tasks.heap)} + indexes ${mb(tasks.indexes)} + TOAST ${kb(tasks.toast)} = ${mb(tasks.total)}: ${perTask(tasks)} (heap ${fmt(tasks.heap / tasks.live)}, indexes ${fmt(tasks.indexes / tasks.live)}); a done task's tuple ${fmt(col.tuple)} B, of which result ${fmt(col.result)} B`,
  );
  log(
    `rows (${fmt(row.n)} rows × ${KEYS.length} enriched cells): tuple ${fmt(row.tuple)} B/row: data ${fmt(row.data)} B, cell_states ${fmt(row.states)} B → ${fmt((row.data + row.states) / KEYS.length)} B/cell (data + cell_states); the whole rows table ${fmt(rows.total / rows.live)} B/row with indexes`,
  );
  log(
    `row_search: ${fmt(search.total / search.live)} B/row (heap ${fmt(search.heap / search.live)}, primary key and trigram index ${fmt(search.indexes / search.live)})`,
  );
  log(
    `one enriched cell ≈ ${fmt(tasks.total / tasks.live + row.tuple / KEYS.length)} B (its task + its share of the row)`,
  );
  return t;
}

async function reruns(t: { tableId: string; columnIds: string[] }, log: (line: string) => void) {
  const line = async (label: string) => {
    const [tasks, rows] = [await sizesOf("cell_enrichment_tasks"), await sizesOf("rows")];
    const [{ n }] = await getDb().$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM cell_enrichment_tasks WHERE table_id = ${t.tableId}::uuid`;
    log(
      `${label.padEnd(34)} tasks of the table ${fmt(n).padStart(7)}; cell_enrichment_tasks ${mb(tasks.total)}, rows ${mb(rows.total)}`,
    );
  };
  const email = [t.columnIds[0]];
  await line("after the 100,000-cell job");
  for (let i = 1; i <= 3; i++) {
    await runJob(t.tableId, email);
    await line(`after re-run ${i} of one column`);
  }
  const started = performance.now();
  const pass = await compactTasks({ retention: 0 });
  const ms = performance.now() - started;
  await line("after retention (all ended jobs)");
  log(
    `  retention pass: ${fmt(pass.deleted)} tasks deleted of ${fmt(pass.examined)} looked at, ${pass.jobs} jobs, ${pass.batches} statements, ${fmt(ms)} ms (${fmt(pass.examined / (ms / 1000))} tasks/s)`,
  );
  await vacuum();
  await line("after VACUUM");
  await runJob(t.tableId, email);
  await line("after re-run 4 (reuses freed space)");
  await compactTasks({ retention: 0 });
  await vacuum();
  await runJob(t.tableId, email);
  await line("after retention, VACUUM, re-run 5");
}

/** Tasks of `jobs` finished earlier runs of every cell of the table, written in one statement each. */
async function seedHistory(tableId: string, jobs: number) {
  const [sample] = await getDb().$queryRaw<{ result: unknown }[]>`
    SELECT result FROM cell_enrichment_tasks WHERE status = 'done' AND result IS NOT NULL LIMIT 1`;
  for (let k = jobs; k >= 1; k--) {
    const [{ id }] = await getDb().$queryRaw<{ id: string }[]>`
      INSERT INTO enrichment_jobs (table_id, status, total_tasks, done_tasks, created_at, started_at, completed_at)
      SELECT ${tableId}::uuid, 'completed', count(*), count(*), now() - make_interval(days => ${k}),
             now() - make_interval(days => ${k}), now() - make_interval(days => ${k})
        FROM rows r CROSS JOIN columns c WHERE r.table_id = ${tableId}::uuid AND c.table_id = ${tableId}::uuid AND c.key <> 'name'
      RETURNING id::text`;
    await getDb().$executeRaw`
      INSERT INTO cell_enrichment_tasks (table_id, row_id, column_id, job_id, ordinal, status, result, confidence, attempts, created_at, started_at, completed_at)
      SELECT ${tableId}::uuid, r.id, c.id, ${id}::uuid, row_number() OVER (ORDER BY r.position, c."order"), 'done',
             ${JSON.stringify(sample?.result ?? {})}::jsonb, 0.8, 1,
             now() - make_interval(days => ${k}), now() - make_interval(days => ${k}), now() - make_interval(days => ${k})
        FROM rows r CROSS JOIN columns c WHERE r.table_id = ${tableId}::uuid AND c.table_id = ${tableId}::uuid AND c.key <> 'name'`;
  }
}

type Reloptions = { relname: string; reloptions: string[] | null };

async function autovacuumRun(workspaceId: string, label: string, log: (line: string) => void) {
  const t = await freshTable(workspaceId, `storage bench: autovacuum ${label}`, ROWS);
  // A table with ten earlier runs of its 100,000 cells, among 300,000 other rows.
  await seedHistory(t.tableId, 10);
  const filler = await freshTable(workspaceId, `storage bench: filler ${label}`, 0);
  await getDb().$executeRaw`
    INSERT INTO rows (table_id, data) SELECT ${filler.tableId}::uuid, jsonb_build_object('name', 'Filler ' || i)
      FROM generate_series(1, 300000) i`;
  await vacuum();
  const before = Object.fromEntries(await Promise.all(HOT.map(async (h) => [h, await sizesOf(h)] as const)));
  const peak: Record<string, number> = Object.fromEntries(HOT.map((h) => [h, 0]));
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      for (const h of HOT) peak[h] = Math.max(peak[h], (await sizesOf(h)).dead);
      await sleep(1000);
    }
  })();
  const first = await runJob(t.tableId, t.columnIds);
  const atEnd = Object.fromEntries(await Promise.all(HOT.map(async (h) => [h, await sizesOf(h)] as const)));
  // One autovacuum naptime (60 s by default) and some.
  await sleep(70_000);
  const after = Object.fromEntries(await Promise.all(HOT.map(async (h) => [h, await sizesOf(h)] as const)));
  const second = await runJob(t.tableId, t.columnIds);
  sampling = false;
  await sampler;
  const final = Object.fromEntries(await Promise.all(HOT.map(async (h) => [h, await sizesOf(h)] as const)));
  log(
    `${label}: job 1 ${fmt(first.cells / (first.ms / 1000))} cells/s, job 2 (same cells, 70 s later) ${fmt(second.cells / (second.ms / 1000))} cells/s`,
  );
  for (const h of HOT) {
    const b = before[h];
    log(
      `  ${h.padEnd(24)} live ${fmt(b.live).padStart(9)}; dead: peak ${fmt(peak[h]).padStart(7)}, end of job 1 ${fmt(atEnd[h].dead).padStart(7)}, +70 s ${fmt(after[h].dead).padStart(7)}, end of job 2 ${fmt(final[h].dead).padStart(7)}; autovacuums ${final[h].vacuums - b.vacuums}; heap ${mb(b.heap)} → ${mb(after[h].heap)} after job 1 → ${mb(final[h].heap)} after job 2`,
    );
  }
  await getDb().$executeRaw`DELETE FROM tables WHERE id IN (${t.tableId}::uuid, ${filler.tableId}::uuid)`;
  await vacuum(true);
}

export async function benchStorage(workspaceId: string, log = console.log) {
  log("-- bytes per cell and per task (100,000-cell job: 20,000 rows × 5 columns, after VACUUM)");
  const t = await perCellAndTask(workspaceId, log);
  log("-- one column (20,000 cells) re-run, then retention");
  await reruns(t, log);
  await getDb().$executeRaw`DELETE FROM tables WHERE id = ${t.tableId}::uuid`;
  await vacuum(true);
  log("-- autovacuum: a 100,000-cell job on 1,100,000 tasks and 320,000 rows, defaults vs the migration's settings");
  const settings = await getDb().$queryRaw<Reloptions[]>`
    SELECT relname::text, reloptions FROM pg_class WHERE relname = ANY(${[...HOT]}::text[]) AND relkind = 'r'`;
  log(`  settings: ${settings.map((s) => `${s.relname} (${(s.reloptions ?? ["defaults"]).join(", ")})`).join("; ")}`);
  try {
    for (const s of settings) await getDb().$executeRawUnsafe(`ALTER TABLE "${s.relname}" RESET (${RESETTABLE})`);
    await autovacuumRun(workspaceId, "Postgres defaults", log);
  } finally {
    for (const s of settings)
      if (s.reloptions) await getDb().$executeRawUnsafe(`ALTER TABLE "${s.relname}" SET (${s.reloptions.join(", ")})`);
  }
  await autovacuumRun(workspaceId, "migration's settings", log);
}

const RESETTABLE = [
  "autovacuum_vacuum_scale_factor",
  "autovacuum_vacuum_threshold",
  "autovacuum_vacuum_insert_scale_factor",
  "autovacuum_vacuum_insert_threshold",
  "autovacuum_analyze_scale_factor",
  "autovacuum_analyze_threshold",
  "autovacuum_vacuum_cost_limit",
  "autovacuum_vacuum_cost_delay",
  "fillfactor",
].join(", ");
