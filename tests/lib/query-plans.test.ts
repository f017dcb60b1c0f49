import "../support/no-orchestrator";
import { expect, test } from "vitest";
import { getDb, getEnginePool, getPool } from "@/lib/db";
import { createEnrichmentJob } from "@/lib/enrichment/create-job";
import { CELL_CHANGES } from "@/lib/enrichment/store/cell-changes";
import { makeTable } from "../support/fixtures";

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
