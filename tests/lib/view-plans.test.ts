import { beforeAll, expect, test } from "vitest";
import { getDb, getPool } from "@/lib/db";
import { createRows } from "@/lib/rows/rows";
import { SqlParams } from "@/lib/sql";
import { compileFilter } from "@/lib/views/compile-filter";
import { listRowWindow } from "@/lib/views/list-rows";
import { resolveFilter, resolveSort } from "@/lib/views/resolve";
import { type WindowRequest, windowStatement } from "@/lib/views/row-window";
import { viewColumnsOf } from "@/lib/views/table-columns";
import { makeTable } from "../support/fixtures";

// A view's window costs what its table holds and what it matches, not what other tables hold;
// a selective search reads the rows row_search's trigram index finds, not the table, and
// answers the same. Buffers are counted by Postgres itself, so these checks do not depend on
// timing.

type Plan = { Plan: { "Shared Hit Blocks": number; "Shared Read Blocks": number } };

let big: Awaited<ReturnType<typeof makeTable>>;
let small: Awaited<ReturnType<typeof makeTable>>;

beforeAll(async () => {
  big = await makeTable({ keys: ["name", "company"], rows: 0 });
  for (let offset = 0; offset < 20_000; offset += 10_000) {
    const rows = Array.from({ length: 10_000 }, (_, i) => ({
      data: { name: `Person ${offset + i}`, company: `Company ${(offset + i) % 5_000} Holdings` },
    }));
    await createRows({ tableId: big.tableId, input: { rows } });
  }
  small = await makeTable({ keys: ["name", "company"], rows: 10 });
  await createRows({ tableId: small.tableId, input: { rows: [{ data: { name: 'Say "hi" 100%_\\ done' } }] } });
  await getPool().query("VACUUM ANALYZE rows, row_search");
}, 120_000);

async function buffers(
  tableId: string,
  request: Omit<WindowRequest, "tableId" | "filter" | "sort"> & {
    filter?: unknown;
    sort?: { column: string; direction: "asc" | "desc" }[];
  },
  { withoutIndexes = false } = {},
) {
  const columns = await viewColumnsOf(getDb(), tableId);
  const { text, values } = windowStatement({
    tableId,
    filter: request.filter ? resolveFilter(request.filter as never, columns, "filter") : null,
    sort: resolveSort(request.sort ?? [], columns),
    offset: request.offset,
    limit: request.limit,
  });
  const client = await getPool().connect();
  try {
    await client.query("BEGIN");
    // The baseline: the same statement when Postgres may only scan the table.
    if (withoutIndexes) await client.query("SET LOCAL enable_bitmapscan = off; SET LOCAL enable_indexscan = off");
    const { rows } = await client.query<{ "QUERY PLAN": Plan[] }>(
      `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`,
      values,
    );
    await client.query("ROLLBACK");
    const plan = rows[0]["QUERY PLAN"][0].Plan;
    return plan["Shared Hit Blocks"] + plan["Shared Read Blocks"];
  } finally {
    client.release();
  }
}

test("a filtered, sorted window of a 10-row table touches a few buffers while another table has 20,000 rows", async () => {
  const touched = await buffers(small.tableId, {
    filter: { column: "name", op: "is_not_empty" },
    sort: [{ column: "company", direction: "desc" }],
    offset: 0,
    limit: 200,
  });
  expect(touched).toBeLessThan(100);
});

test("a selective search on 20,000 rows reads a small part of what a scan reads (trigram index), sorted or not", async () => {
  for (const request of [
    { filter: { op: "search", value: "person 12345" }, offset: 0, limit: 200 },
    {
      filter: { op: "search", value: "person 12345" },
      sort: [{ column: "company", direction: "desc" as const }],
      offset: 0,
      limit: 200,
    },
  ]) {
    const scan = await buffers(big.tableId, request, { withoutIndexes: true });
    expect(await buffers(big.tableId, request)).toBeLessThan(scan / 3);
  }
});

test("search reads row_search, text conditions each row's value, and both answer exactly", async () => {
  const columns = await viewColumnsOf(getDb(), small.tableId);
  const compiled = (filter: unknown) =>
    compileFilter(resolveFilter(filter as never, columns, "filter"), new SqlParams(), "r", { tableId: small.tableId });
  expect(compiled({ op: "search", value: "person" })).toContain("row_search s WHERE");
  expect(compiled({ op: "search", value: "pe" })).toContain("(s.text || '')");
  expect(compiled({ column: "name", op: "contains", value: "person" })).not.toContain("row_search");
  const names = async (filter: unknown) =>
    (
      await listRowWindow({
        tableId: small.tableId,
        query: { limit: 50, filter: filter as never },
      })
    ).data.map((row) => row.data.name);
  expect(await names({ column: "name", op: "contains", value: '"hi" 100%_\\' })).toEqual(['Say "hi" 100%_\\ done']);
  expect(await names({ column: "name", op: "eq", value: 'SAY "HI" 100%_\\ DONE' })).toEqual(['Say "hi" 100%_\\ done']);
  expect(await names({ column: "name", op: "starts_with", value: "person 1" })).toEqual(["Person 1", "Person 10"]);
  expect(await names({ op: "search", value: '"hi"' })).toEqual(['Say "hi" 100%_\\ done']);
  expect(await names({ op: "search", value: 'y "' })).toEqual(['Say "hi" 100%_\\ done']);
  expect(await names({ op: "search", value: "%_" })).toEqual(['Say "hi" 100%_\\ done']);
  expect(await names({ op: "search", value: "PERSON 1" })).toEqual(["Person 1", "Person 10"]);
});

test("an eq filter on 20,000 rows reads a small part of what a scan reads (value index), sorted or not", async () => {
  const { rows } = await getPool().query<{ present: boolean }>(
    "SELECT to_regclass('rows_values_idx') IS NOT NULL AS present",
  );
  expect(rows[0].present).toBe(true);
  for (const request of [
    { filter: { column: "company", op: "eq", value: "COMPANY 1234 holdings" }, offset: 0, limit: 200 },
    {
      filter: { column: "company", op: "eq", value: "company 77 Holdings" },
      sort: [{ column: "name", direction: "desc" as const }],
      offset: 0,
      limit: 200,
    },
  ]) {
    const scan = await buffers(big.tableId, request, { withoutIndexes: true });
    expect(await buffers(big.tableId, request)).toBeLessThan(scan / 10);
  }
  const page = await listRowWindow({
    tableId: big.tableId,
    query: { limit: 50, filter: { column: "company", op: "eq", value: "COMPANY 1234 holdings" } as never },
  });
  expect(page.data.map((row) => row.data.name)).toEqual(["Person 1234", "Person 6234", "Person 11234", "Person 16234"]);
  expect(page.meta.total).toBe(4);
});

test("eq answers exactly as its comparison: case, accents, numbers, booleans, long values, empty, null, objects", async () => {
  const table = await makeTable({ keys: ["name", "v"], rows: 0 });
  const long = "x".repeat(200);
  const values: unknown[] = [
    "Été à Paris",
    "ÉTÉ À PARIS",
    "ete a paris",
    12,
    "12",
    12.5,
    true,
    "TRUE",
    `${long}a`,
    `${long}b`,
    long,
    "",
    null,
    { x: 1 },
    "  spaced  ",
    "a=b",
    [1, "X"],
    -0.5,
    0,
    "012",
    { "A\u001f": "Ü" },
    { note: "2e99999" },
    { p: "\\u0000" },
  ];
  await createRows({
    tableId: table.tableId,
    input: { rows: [...values.map((v, i) => ({ data: { name: `r${i}`, v } })), { data: { name: "none" } }] as never },
  });
  const names = async (value: string) =>
    (
      await listRowWindow({
        tableId: table.tableId,
        query: { limit: 50, filter: { column: "v", op: "eq", value } as never },
      })
    ).data.map((row) => row.data.name);
  expect(await names("été À paris")).toEqual(["r0", "r1"]);
  expect(await names("12")).toEqual(["r3", "r4"]);
  expect(await names("12.5")).toEqual(["r5"]);
  expect(await names("true")).toEqual(["r6", "r7"]);
  expect(await names(`${long}B`)).toEqual(["r9"]);
  expect(await names(long)).toEqual(["r10"]);
  expect(await names("")).toEqual([]);
  expect(await names('{"x": 1}')).toEqual(["r13"]);
  expect(await names("spaced")).toEqual([]);
  expect(await names("  SPACED  ")).toEqual(["r14"]);
  expect(await names("A=B")).toEqual(["r15"]);
  expect(await names("a")).toEqual([]);
  expect(await names('[1, "x"]')).toEqual(["r16"]);
  expect(await names("-0.5")).toEqual(["r17"]);
  expect(await names("0")).toEqual(["r18"]);
  expect(await names("-0")).toEqual([]);
  expect(await names("012")).toEqual(["r19"]);
  expect(await names('{"a\\u001f": "ü"}')).toEqual(["r20"]);
  expect(await names('{"NOTE": "2E99999"}')).toEqual(["r21"]);
  expect(await names('{"p": "\\\\u0000"}')).toEqual(["r22"]);
  // Values Postgres could not read as JSON are compared as text, not an error.
  expect(await names('{"a": "\\u0000"}')).toEqual([]);
  expect(await names('{"a": 1e999999}')).toEqual([]);
  expect(await names("1e999999")).toEqual([]);
  expect(await names('{"x": 1E-999999}')).toEqual([]);
  // neq is the rows whose value is not empty and differs (the index is not used for it).
  const neq = await listRowWindow({
    tableId: table.tableId,
    query: { limit: 50, filter: { column: "v", op: "neq", value: "12" } as never },
  });
  expect(neq.data.map((row) => row.data.name)).toEqual([
    "r0",
    "r1",
    "r2",
    "r5",
    "r6",
    "r7",
    "r8",
    "r9",
    "r10",
    "r13",
    "r14",
    "r15",
    "r16",
    "r17",
    "r18",
    "r19",
    "r20",
    "r21",
    "r22",
  ]);
});
