import { beforeAll, expect, test } from "vitest";
import { getDb, getPool } from "@/lib/db";
import { createRows } from "@/lib/rows/rows";
import { resolveFilter, resolveSort } from "@/lib/views/resolve";
import { type WindowRequest, windowStatement } from "@/lib/views/row-window";
import { viewColumnsOf } from "@/lib/views/table-columns";
import { makeTable } from "../support/fixtures";

// A view's window costs what its table holds and what it matches, not what other tables hold;
// a selective search reads the rows the trigram index finds, not the table. Buffers are
// counted by Postgres itself, so these checks do not depend on timing.

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
  await getPool().query("VACUUM ANALYZE rows");
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

test("a selective search or contains on 20,000 rows reads a small part of what a scan reads (trigram index)", async () => {
  for (const filter of [
    { op: "search", value: "person 12345" },
    { column: "name", op: "contains", value: "person 1234" },
  ]) {
    const request = { filter, offset: 0, limit: 200 };
    const scan = await buffers(big.tableId, request, { withoutIndexes: true });
    expect(await buffers(big.tableId, request)).toBeLessThan(scan / 3);
  }
});
