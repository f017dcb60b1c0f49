import { beforeAll, expect, test } from "vitest";
import type { FilterNode } from "@/lib/views/filter-schema";
import { api } from "../support/api";
import { expectError } from "../support/db-state";

// Paging through a view: offset windows, pages and the `after` cursor cut the same order, the
// total is the view's, and `after` keeps its place while rows are inserted.

let tableId: string;
const N = 1_000;

/** Rows with many ties (score repeats every 7 rows) and some empty scores. */
const rowData = (i: number) => ({
  label: `row ${i}`,
  ...(i % 11 === 0 ? {} : { score: i % 7 }),
  kind: i % 3 === 0 ? "lead" : "customer",
});

beforeAll(async () => {
  const table = await api.post("/api/tables", {
    name: "Paging",
    columns: [
      { key: "label", label: "Label" },
      { key: "score", label: "Score", dataType: "number" },
      { key: "kind", label: "Kind" },
    ],
  });
  tableId = table.body.id;
  await api.post(`/api/tables/${tableId}/rows`, { rows: Array.from({ length: N }, (_, i) => ({ data: rowData(i) })) });
});

const FILTER: FilterNode = { column: "kind", op: "eq", value: "customer" };
const SORT = "score:desc,label:asc";

async function read(params: Record<string, string | number>) {
  const query = new URLSearchParams({ filter: JSON.stringify(FILTER), sort: SORT });
  for (const [k, v] of Object.entries(params)) query.set(k, String(v));
  const res = await api.get(`/api/tables/${tableId}/rows?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as {
    data: { id: string; position: number; data: { label: string } }[];
    meta: { total: number; nextCursor: number | null; page: number; offset: number };
  };
}

const labels = (rows: { data: { label: string } }[]) => rows.map((r) => r.data.label);

test("offset windows, pages and the after cursor all cut the one full order; total is the view's", async () => {
  const full = await read({ limit: 1000 });
  const expected = Array.from({ length: N }, (_, i) => i)
    .filter((i) => i % 3 !== 0)
    .sort((a, b) => {
      const [sa, sb] = [a % 11 === 0 ? null : a % 7, b % 11 === 0 ? null : b % 7];
      if (sa !== sb) return sa === null ? 1 : sb === null ? -1 : sb - sa;
      return `row ${a}` < `row ${b}` ? -1 : 1;
    })
    .map((i) => `row ${i}`);
  expect(labels(full.data)).toEqual(expected);
  expect(full.meta.total).toBe(expected.length);

  const byOffset: string[] = [];
  for (let offset = 0; offset < expected.length; offset += 37) {
    const window = await read({ offset, limit: 37 });
    expect(window.meta.total).toBe(expected.length);
    byOffset.push(...labels(window.data));
  }
  expect(byOffset).toEqual(expected);

  const page3 = await read({ page: 3, limit: 50 });
  expect(page3.meta).toMatchObject({ page: 3, offset: 100 });
  expect(labels(page3.data)).toEqual(expected.slice(100, 150));

  const byCursor: string[] = [];
  let after: number | null = null;
  do {
    const next = await read(after === null ? { limit: 64 } : { after, limit: 64 });
    byCursor.push(...labels(next.data));
    after = next.meta.nextCursor;
  } while (after !== null);
  expect(byCursor).toEqual(expected);
});

test("the after cursor keeps its place while rows are inserted between pages", async () => {
  const before = labels((await read({ limit: 1000 })).data);
  const seen: string[] = [];
  let after: number | null = null;
  let inserted = 0;
  do {
    const next = await read(after === null ? { limit: 50 } : { after, limit: 50 });
    seen.push(...labels(next.data));
    after = next.meta.nextCursor;
    // New matching rows that sort everywhere: at the top (score 6), in the middle, and last.
    const rows = [6, 3, null].map((score) => ({
      data: { label: `new ${inserted++}`, kind: "customer", ...(score === null ? {} : { score }) },
    }));
    expect((await api.post(`/api/tables/${tableId}/rows`, { rows })).status).toBe(201);
  } while (after !== null);
  const original = seen.filter((label) => label.startsWith("row "));
  // Every row that was there from the start: once each, in the view's order.
  expect(original).toEqual(before);
  expect(new Set(seen).size).toBe(seen.length);
});

test("a cursor whose row was deleted: 422 in a sorted view, still fine in the table's order", async () => {
  const first = await read({ limit: 5 });
  const last = first.data[4];
  expect((await api.delete(`/api/tables/${tableId}/rows/${last.id}`)).status).toBe(204);
  const error = expectError(
    await api.get(`/api/tables/${tableId}/rows?sort=${SORT}&after=${last.position}&limit=5`),
    422,
    "validation_failed",
  );
  expect(error.details).toEqual([{ path: "after", message: expect.stringContaining("deleted") }]);
  const plain = await api.get(
    `/api/tables/${tableId}/rows?filter=${encodeURIComponent(JSON.stringify(FILTER))}&after=${last.position}&limit=5`,
  );
  expect(plain.status).toBe(200);
  expect(plain.body.data.every((r: { position: number }) => r.position > last.position)).toBe(true);
});
