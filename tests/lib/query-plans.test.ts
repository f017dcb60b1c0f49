import "../support/no-orchestrator";
import { expect, test } from "vitest";
import { getDb, getEnginePool, getPool } from "@/lib/db";
import { createEnrichmentJob } from "@/lib/enrichment/create-job";
import { ABANDON_COLUMN } from "@/lib/enrichment/store/abandon";
import { CELL_CHANGES } from "@/lib/enrichment/store/cell-changes";
import { CLAIM } from "@/lib/enrichment/store/claim";
import { INSERT_CELLS, INSERT_GRID_ROWS } from "@/lib/enrichment/store/create-tasks";
import { RECORD } from "@/lib/enrichment/store/finish";
import { LOCK_ROWS_OF_TABLE, ROW_IDS_OF_TABLE } from "@/lib/rows/by-id";
import { resolveFilter } from "@/lib/views/resolve";
import { PLAIN_WINDOW, windowStatement } from "@/lib/views/row-window";
import { viewColumnsOf } from "@/lib/views/table-columns";
import { makeTable } from "../support/fixtures";
import { type PlanNode, rowsRemoved } from "../support/plans";

// A statement's cost must depend on what it returns, not on how big the database has grown.
// Buffers touched are counted by Postgres itself, so these checks do not depend on timing.

type Plan = { Plan: { "Shared Hit Blocks": number; "Shared Read Blocks": number } };

test("plan_cache_mode=force_generic_plan is set on the store's pool only, never on Prisma's", async () => {
  const [prisma] = await getDb().$queryRaw<{ plan_cache_mode: string }[]>`SHOW plan_cache_mode`;
  expect(prisma.plan_cache_mode).toBe("auto");
  expect((await getPool().query("SHOW plan_cache_mode")).rows[0].plan_cache_mode).toBe("auto");
  expect((await getEnginePool().query("SHOW plan_cache_mode")).rows[0].plan_cache_mode).toBe("force_generic_plan");
});

test("a poll of cells/status of a small table touches a few buffers while 50,000 tasks of another table exist", async () => {
  const big = await makeTable({ keys: ["a", "b", "c", "d", "e"], rows: 10_000 });
  await createEnrichmentJob({
    tableId: big.tableId,
    source: { mode: "grid", columnIds: Object.values(big.columns), rowIds: "all" },
  });
  const small = await makeTable({ keys: ["email"], rows: 10 });
  await createEnrichmentJob({
    tableId: small.tableId,
    source: { mode: "grid", columnIds: [small.columns.email], rowIds: "all" },
  });
  await getPool().query("ANALYZE cell_enrichment_tasks");
  const [{ cursor }] = (await getPool().query("SELECT pg_current_snapshot()::text AS cursor")).rows;
  const xmin = String(cursor).split(":")[0];

  // Prepared on a connection of the pool the store runs it on, so planned with that pool's
  // plan_cache_mode: a generic plan cannot use the (table_id, change_xid) range and walks a
  // whole index of every table's tasks.
  const client = await getPool().connect();
  let rows: { "QUERY PLAN": Plan[] }[];
  try {
    await client.query(`PREPARE changes_probe(uuid, bigint, text, int, uuid[]) AS ${CELL_CHANGES.text}`);
    ({ rows } = await client.query(
      `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE changes_probe('${small.tableId}', ${xmin}, '${cursor}', 10001, NULL)`,
    ));
    await client.query("DEALLOCATE changes_probe");
  } finally {
    client.release();
  }
  const [plan] = rows[0]["QUERY PLAN"];
  const buffers = plan.Plan["Shared Hit Blocks"] + plan.Plan["Shared Read Blocks"];
  expect(buffers).toBeLessThan(300);
}, 120_000);

test("claiming and finishing 200 tasks by id looks them up by id while the statistics still say nothing is queued", async () => {
  // 10,000 tasks all done and analysed, then 10,000 queued ones the statistics have not seen:
  // the table as it is a moment after a big job is created. With a status filter an index
  // could serve, the generic plan found the queued tasks through the (job_id, status) index
  // and compared each with every listed id (4.6 s for 500 ids in the costs bench).
  const t = await makeTable({ keys: ["email"], rows: 10_000 });
  const source = { mode: "grid" as const, columnIds: [t.columns.email as string], rowIds: "all" as const };
  const old = await createEnrichmentJob({ tableId: t.tableId, source });
  await getPool().query("UPDATE cell_enrichment_tasks SET status = 'done' WHERE job_id = $1", [old.jobId]);
  const fresh = await createEnrichmentJob({ tableId: t.tableId, source });
  // The statistics as the costs bench's database had them (other tests' tasks share this one):
  // every task done, three jobs. Restored by ANALYZE below.
  await getPool().query(`SELECT pg_restore_attribute_stats('schemaname', 'public', 'relname', 'cell_enrichment_tasks',
    'attname', 'status', 'inherited', false, 'null_frac', 0::real, 'avg_width', 4, 'n_distinct', 1::real,
    'most_common_vals', '{done}'::text, 'most_common_freqs', '{1}'::real[])`);
  await getPool().query(`SELECT pg_restore_attribute_stats('schemaname', 'public', 'relname', 'cell_enrichment_tasks',
    'attname', 'job_id', 'inherited', false, 'null_frac', 0::real, 'avg_width', 16, 'n_distinct', 3::real)`);
  const ids = (
    await getPool().query<{ id: string }>(
      "SELECT id::text FROM cell_enrichment_tasks WHERE job_id = $1 ORDER BY ordinal LIMIT 200",
      [fresh.jobId],
    )
  ).rows.map((r) => r.id);
  const idArray = `'{${ids.join(",")}}'::uuid[]`;
  const probes = [
    { name: "claim", text: CLAIM.text, types: "uuid[], bool, bool", args: `${idArray}, false, true` },
    {
      name: "finish",
      text: RECORD.text,
      types: "uuid[], text[], jsonb[], jsonb[], float8[], text[], bool, jsonb[]",
      // With what each cell's providers were asked about (none of the rows holds it any more).
      args: `${idArray}, array_fill('done'::text, ARRAY[200]), array_fill('{"value":"x"}'::jsonb, ARRAY[200]),
             array_fill('"x"'::jsonb, ARRAY[200]), array_fill(0.9::float8, ARRAY[200]), array_fill(NULL::text, ARRAY[200]), true,
             array_fill('{"email":"not the row''s"}'::jsonb, ARRAY[200])`,
    },
  ];
  // On the store's own pool (generic plans), each in a transaction rolled back after it ran.
  const client = await getEnginePool().connect();
  try {
    for (const probe of probes) {
      await client.query("BEGIN");
      await client.query(`PREPARE ${probe.name}_probe(${probe.types}) AS ${probe.text}`);
      const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE ${probe.name}_probe(${probe.args})`);
      await client.query("ROLLBACK");
      const [plan] = rows[0]["QUERY PLAN"] as { Plan: PlanNode }[];
      expect({ probe: probe.name, removed: rowsRemoved(plan.Plan) }).toEqual({ probe: probe.name, removed: 0 });
    }
  } finally {
    await client.query("ROLLBACK").catch(() => undefined);
    client.release();
    await getPool().query("ANALYZE cell_enrichment_tasks");
  }
}, 120_000);

test("a table the statistics have not seen yet: row windows read each row by position, jobs over listed rows find them by id", async () => {
  // A table imported a moment ago: ANALYZE has not run since, so the statistics of rows.table_id
  // do not know it and estimate one row for it. Joined to the window's positions, the rows were
  // then found through the index on table_id alone and compared with each position (a join
  // filter): every row of the table for each row of the window (a grid scrolled to the middle
  // of a million rows just imported waited for them in vain).
  const t = await makeTable({ keys: ["name"], rows: 5_000 });
  const columns = await viewColumnsOf(getDb(), t.tableId);
  const filtered = windowStatement({
    tableId: t.tableId,
    filter: resolveFilter({ column: "name", op: "contains", value: "Person" } as never, columns, "filter"),
    sort: [],
    offset: 2_000,
    limit: 200,
  });
  const ids = (
    await getPool().query<{ id: string }>(
      "SELECT id::text FROM rows WHERE table_id = $1 AND position % 500 = 7 ORDER BY position",
      [t.tableId],
    )
  ).rows.map((r) => r.id);
  const job = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
  const column = t.columns.name as string;
  const probes = [
    { name: "plain", text: PLAIN_WINDOW, values: [t.tableId, -1, 2_000, 200] as unknown[], rows: 200 },
    { name: "filtered", text: filtered.text, values: filtered.values, rows: 200 },
    // Looked up by id too: a job over a few rows, its cells, and the check that ids are rows.
    { name: "ids", text: ROW_IDS_OF_TABLE, values: [t.tableId, ids], rows: 10 },
    { name: "delete's lock", text: LOCK_ROWS_OF_TABLE, values: [t.tableId, ids], rows: 10 },
    { name: "grid rows", text: INSERT_GRID_ROWS, values: [t.tableId, ids, job(1), [column]], rows: 0 },
    { name: "cells", text: INSERT_CELLS, values: [t.tableId, ids, job(2), ids.map(() => column)], rows: 0 },
  ];
  const client = await getPool().connect();
  try {
    await client.query("BEGIN");
    // Statistics that have never seen this table (restored by the rollback: they are transactional).
    await client.query(`SELECT pg_restore_attribute_stats('schemaname', 'public', 'relname', 'rows',
      'attname', 'table_id', 'inherited', false, 'null_frac', 0::real, 'avg_width', 16, 'n_distinct', 1::real,
      'most_common_vals', '{00000000-0000-4000-8000-000000000000}'::text, 'most_common_freqs', '{1}'::real[])`);
    for (const probe of probes) {
      const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${probe.text}`, probe.values);
      const [plan] = rows[0]["QUERY PLAN"] as { Plan: PlanNode & { "Actual Rows": number } }[];
      expect({ probe: probe.name, rows: plan.Plan["Actual Rows"], removed: rowsRemoved(plan.Plan) }).toEqual({
        probe: probe.name,
        rows: probe.rows,
        removed: 0,
      });
    }
  } finally {
    await client.query("ROLLBACK");
    client.release();
  }
}, 120_000);

test("deleting a column reads its own table's tasks (no index on a task's column alone), not the database's", async () => {
  const big = await makeTable({ keys: ["a", "b", "c", "d", "e"], rows: 10_000 });
  await createEnrichmentJob({
    tableId: big.tableId,
    source: { mode: "grid", columnIds: Object.values(big.columns), rowIds: "all" },
  });
  const small = await makeTable({ keys: ["email", "phone"], rows: 10 });
  await createEnrichmentJob({
    tableId: small.tableId,
    source: { mode: "grid", columnIds: Object.values(small.columns), rowIds: "all" },
  });
  await getPool().query("ANALYZE cell_enrichment_tasks");
  // auto_explain reports every statement, the cascade trigger's too, as a notice to this session.
  const plans: { query: string; buffers: number }[] = [];
  const client = await getPool().connect();
  const onNotice = (notice: { message?: string }) => {
    const json = notice.message?.match(/plan:\s*(\{[\s\S]*\})\s*$/)?.[1];
    if (!json) return;
    const { "Query Text": query, Plan: plan } = JSON.parse(json);
    plans.push({ query, buffers: plan["Shared Hit Blocks"] + plan["Shared Read Blocks"] });
  };
  client.on("notice", onNotice);
  try {
    await client.query("BEGIN");
    await client.query("LOAD 'auto_explain'");
    for (const setting of [
      "log_min_duration = 0",
      "log_analyze = on",
      "log_buffers = on",
      "log_nested_statements = on",
      "log_format = json",
      "log_level = notice",
    ])
      await client.query(`SET LOCAL auto_explain.${setting}`);
    const abandoned = await client.query(ABANDON_COLUMN.text, ["column deleted", small.tableId, small.columns.email]);
    expect(abandoned.rows).toHaveLength(1);
    await client.query("DELETE FROM columns WHERE id = $1", [small.columns.email]);
    const [{ left }] = (
      await client.query("SELECT count(*)::int AS left FROM cell_enrichment_tasks WHERE table_id = $1", [small.tableId])
    ).rows;
    expect(left).toBe(10);
  } finally {
    await client.query("ROLLBACK");
    client.off("notice", onNotice);
    client.release();
  }
  const onTasks = plans.filter((p) => /^\s*(WITH t AS|DELETE FROM cell_enrichment_tasks)/.test(p.query));
  // The abandon statement and the cascade's delete, each a few buffers.
  expect(onTasks.length).toBeGreaterThanOrEqual(2);
  expect(onTasks.filter((p) => p.buffers >= 300)).toEqual([]);
}, 120_000);
