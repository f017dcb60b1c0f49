import pg from "pg";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createEnrichmentJob } from "@/lib/enrichment/create-job";
import { makeTable } from "../support/fixtures";

// The statement-level triggers of `rows` (the change log, the search text, the tasks of deleted
// rows) join or filter by their transition tables. PL/pgSQL keeps a static statement's plan for
// the session, made for the first call's sizes: after a one-row update a backend kept a nested
// loop over new_rows × old_rows, and deleting a column of 20,000 rows then took 87 s instead of
// 1.2 s while the table's jobs waited for its locks. The plans are read with auto_explain, on one
// session, the way a pooled connection serves a small write and then a big one.

let client: pg.Client;
let plans: string[];

beforeEach(async () => {
  client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  plans = [];
  client.on("notice", (notice) => {
    if (notice.message?.includes("plan:")) plans.push(notice.message);
  });
  await client.query("LOAD 'auto_explain'");
  await client.query(
    "SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on; SET client_min_messages = log",
  );
});

afterEach(async () => {
  await client.end();
});

/** The plans of the statements run inside the triggers that read `table` (a transition table). */
const plansReading = (table: string) => plans.filter((p) => new RegExp(`(FROM|JOIN|USING) ${table}\\b`).test(p));

describe("trigger statements are planned for the rows they are given", () => {
  test("a one-row update, then 1,000 rows on the same session: the transition tables are hashed, not nested", async () => {
    const t = await makeTable({ keys: ["name", "city"], rows: 1_000 });
    await client.query('UPDATE rows SET data = data || \'{"city":"Paris"}\' WHERE id = $1', [t.rowIds[0]]);
    plans = [];
    const updated = await client.query('UPDATE rows SET data = data || \'{"city":"Lyon"}\' WHERE table_id = $1', [
      t.tableId,
    ]);
    expect(updated.rowCount).toBe(1_000);
    const joins = plans.filter((p) => /new_rows n JOIN old_rows o/.test(p));
    expect(joins.length).toBe(2); // the change log and the search text
    for (const plan of joins) expect(plan).not.toMatch(/Nested Loop/);
    const search = await client.query(
      "SELECT count(*)::int AS n FROM row_search WHERE table_id = $1 AND text LIKE '%lyon%'",
      [t.tableId],
    );
    expect(search.rows[0].n).toBe(1_000);
  });

  test("a big delete, then a one-row delete on the same session: its search text and tasks are found by index", async () => {
    const big = await makeTable({ keys: ["name", "email"], rows: 1_000 });
    const small = await makeTable({ keys: ["name", "email"], rows: 2 });
    await createEnrichmentJob({
      tableId: small.tableId,
      source: { mode: "grid", columnIds: [small.columns.email as string], rowIds: "all" },
    });
    await client.query("DELETE FROM rows WHERE table_id = $1", [big.tableId]);
    plans = [];
    await client.query("DELETE FROM rows WHERE id = $1", [small.rowIds[0]]);
    const [search] = plansReading("old_rows").filter((p) => /DELETE FROM "row_search"/.test(p));
    const [tasks] = plansReading("gone").filter((p) => /DELETE FROM cell_enrichment_tasks/.test(p));
    expect(search).toMatch(/Index Scan/);
    expect(search).not.toMatch(/Seq Scan on row_search/);
    expect(tasks).toMatch(/Index (Only )?Scan/);
    expect(tasks).not.toMatch(/Seq Scan on cell_enrichment_tasks/);
    const left = await client.query("SELECT count(*)::int AS n FROM cell_enrichment_tasks WHERE row_id = $1", [
      small.rowIds[0],
    ]);
    expect(left.rows[0].n).toBe(0);
  });
});
