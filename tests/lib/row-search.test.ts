import { expect, test } from "vitest";
import { getPool } from "@/lib/db";
import { createRows, deleteRow } from "@/lib/rows/rows";
import { updateRow, updateRows } from "@/lib/rows/update-rows";
import { deleteTable } from "@/lib/tables/tables";
import { listRowWindow } from "@/lib/views/list-rows";
import { windowStatement } from "@/lib/views/row-window";
import { makeTable } from "../support/fixtures";
import { type PlanNode, rowsRemoved } from "../support/plans";

// row_search (migration row_search) holds each row's folded values for search; triggers on
// rows keep it equal to glaze_search_text(data) through every kind of write, and writes that
// change only a row's cell states leave it untouched.

/** The positions of the table where row_search and rows disagree: a different text, a missing or an orphan entry. */
async function outOfStep(tableId: string) {
  const { rows } = await getPool().query<{ position: string }>(
    `SELECT coalesce(r.position, s.position)::text AS position
       FROM (SELECT * FROM rows WHERE table_id = $1) r
       FULL JOIN (SELECT * FROM row_search WHERE table_id = $1) s ON s.position = r.position
      WHERE r.id IS NULL OR s.position IS NULL OR s.text IS DISTINCT FROM glaze_search_text(r.data)`,
    [tableId],
  );
  return rows.map((r) => r.position);
}

/** The row_search entry at the row's place (the row's table and position). */
async function entry(place: { tableId: string; position: string }) {
  const { rows } = await getPool().query<{ text: string; xmin: string }>(
    "SELECT text, xmin::text FROM row_search WHERE table_id = $1 AND position = $2",
    [place.tableId, place.position],
  );
  return rows[0];
}

async function placeOf(rowId: string) {
  const { rows } = await getPool().query<{ tableId: string; position: string }>(
    `SELECT table_id AS "tableId", position::text FROM rows WHERE id = $1`,
    [rowId],
  );
  return rows[0];
}

const found = async (tableId: string, q: string) =>
  (await listRowWindow({ tableId, query: { limit: 50, q } })).data.map((row) => row.data.name);

test("row_search follows inserts, edits, pastes, enriched values and deletes; cell-state writes leave it alone", async () => {
  const { tableId, rowIds } = await makeTable({ keys: ["name", "company"], rows: 3 });
  const [first, second, third] = rowIds;
  const [place1, place3] = [await placeOf(first), await placeOf(third)];
  expect(await outOfStep(tableId)).toEqual([]);
  expect((await entry(place1)).text).toBe("person 1");

  await updateRow({ tableId, rowId: first, input: { data: { company: "Umbrella CORP" } } });
  await updateRows({ tableId, input: { rows: [{ id: second, data: { company: "Initech", name: null } }] } });
  expect(await outOfStep(tableId)).toEqual([]);
  expect(await found(tableId, "umbrella")).toEqual(["Person 1"]);
  expect(await found(tableId, "person 2")).toEqual([]);

  // A task changing a cell's state, as the engine writes it: the entry is not rewritten.
  const before = await entry(place3);
  await getPool().query(
    `UPDATE rows SET cell_states = cell_states || '{"c1": {"t": "x", "s": "running"}}' WHERE id = ANY($1::uuid[])`,
    [[first, third]],
  );
  expect(await entry(place3)).toEqual(before);
  // An enriched value merged with its state, in one statement for several rows.
  await getPool().query(
    `UPDATE rows SET data = data || jsonb_build_object('company', 'Hooli ' || position),
            cell_states = cell_states || '{"c1": {"t": "x", "s": "done"}}' WHERE table_id = $1`,
    [tableId],
  );
  expect(await outOfStep(tableId)).toEqual([]);
  expect(await found(tableId, "HOOLI")).toHaveLength(3);
  // A search alone reads row_search only; sorted, it reads the rows: the same rows either way.
  const sorted = await listRowWindow({
    tableId,
    query: { limit: 50, q: "hooli", sort: [{ column: "name", direction: "desc" }] },
  });
  expect(sorted.data.map((row) => row.data.name).sort()).toEqual((await found(tableId, "hooli")).sort());
  expect(sorted.meta.total).toBe(3);

  await deleteRow({ tableId, rowId: third });
  await createRows({ tableId, input: { rows: [{ data: { name: "Late Arrival" } }] } });
  expect(await outOfStep(tableId)).toEqual([]);
  expect(await entry(place3)).toBeUndefined();
  expect(await found(tableId, "arrival")).toEqual(["Late Arrival"]);

  await deleteTable({ tableId });
  const { rows } = await getPool().query("SELECT 1 FROM row_search WHERE table_id = $1", [tableId]);
  expect(rows).toEqual([]);
});

test("a rolled-back write leaves row_search as it was", async () => {
  const { tableId, rowIds } = await makeTable({ keys: ["name"], rows: 1 });
  const client = await getPool().connect();
  try {
    await client.query("BEGIN");
    await client.query(`UPDATE rows SET data = '{"name": "Ghost"}' WHERE id = $1`, [rowIds[0]]);
    await client.query("ROLLBACK");
  } finally {
    client.release();
  }
  expect(await found(tableId, "ghost")).toEqual([]);
  expect(await found(tableId, "person 1")).toEqual(["Person 1"]);
  expect(await outOfStep(tableId)).toEqual([]);
});

test("a search too short for trigrams counts and pages exactly: offsets, cursors, and text that needs escaping", async () => {
  const { tableId } = await makeTable({ keys: ["name", "company"], rows: 0 });
  const names = Array.from({ length: 40 }, (_, i) =>
    i % 3 === 0 ? `Ce${i}` : i % 3 === 1 ? `Person ${i}` : `Grace ${i}%_`,
  );
  await createRows({
    tableId,
    input: { rows: names.map((name, i) => ({ data: { name, company: i % 5 === 0 ? "ACME" : "Initech" } })) },
  });
  for (const q of ["ce", "E", "%_", "c"]) {
    const expected = names.filter(
      (name, i) =>
        name.toLowerCase().includes(q.toLowerCase()) || (i % 5 === 0 ? "acme" : "initech").includes(q.toLowerCase()),
    );
    const whole = await listRowWindow({ tableId, query: { limit: 100, q } });
    expect(whole.data.map((row) => row.data.name)).toEqual(expected);
    expect(whole.meta.total).toBe(expected.length);
    const byOffset: unknown[] = [];
    for (let offset = 0; offset < expected.length; offset += 7) {
      const page = await listRowWindow({ tableId, query: { limit: 7, offset, q } });
      expect(page.meta.total).toBe(expected.length);
      byOffset.push(...page.data.map((row) => row.data.name));
    }
    expect(byOffset).toEqual(expected);
    const byCursor: unknown[] = [];
    let after: number | undefined;
    do {
      const page = await listRowWindow({ tableId, query: { limit: 7, q, ...(after === undefined ? {} : { after }) } });
      byCursor.push(...page.data.map((row) => row.data.name));
      after = page.meta.nextCursor ?? undefined;
    } while (after !== undefined);
    expect(byCursor).toEqual(expected);
  }
});

test("a search reads its own table's matches only, however many other tables hold the text", async () => {
  const mine = await makeTable({ keys: ["name"], rows: 20_000 });
  await updateRows({
    tableId: mine.tableId,
    input: { rows: mine.rowIds.slice(0, 5).map((id, i) => ({ id, data: { name: `Zephyrine ${i}` } })) },
  });
  // Another table where every row holds the text.
  const theirs = await makeTable({ keys: ["name"], rows: 0 });
  await createRows({
    tableId: theirs.tableId,
    input: { rows: Array.from({ length: 10_000 }, (_, i) => ({ data: { name: `Zephyrine ${i}` } })) },
  });
  await getPool().query("ANALYZE row_search");
  const { text, values } = windowStatement({
    tableId: mine.tableId,
    filter: { kind: "search", value: "zephyrine" },
    sort: [],
    offset: 0,
    limit: 200,
  });
  // This database is small enough to read whole; a real one of many tables is not.
  const client = await getPool().connect();
  let plan: PlanNode & { "Actual Rows": number };
  try {
    await client.query("BEGIN");
    await client.query("SET LOCAL enable_seqscan = off");
    const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values);
    plan = rows[0]["QUERY PLAN"][0].Plan;
  } finally {
    await client.query("ROLLBACK");
    client.release();
  }
  // The 5 matches and nothing else: with the index on the text alone, the other table's 10,000
  // entries were read and dropped by their table id (or, planned the other way, every entry of
  // this table was read and dropped by its text).
  expect({ rows: plan["Actual Rows"], removed: rowsRemoved(plan) }).toEqual({ rows: 5, removed: 0 });
}, 120_000);
