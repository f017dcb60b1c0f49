import { randomUUID } from "node:crypto";
import { describe, expect, test, vi } from "vitest";
import { getDb } from "@/lib/db";
import { createEnrichmentJob } from "@/lib/enrichment/create-job";
import { finishKeyRemovals, startKeyRemoval, stripRemovedKey } from "@/lib/enrichment/store";
import { api } from "../support/api";
import { detailPaths, expectError, withoutWrites } from "../support/db-state";
import { makeTable, rowsOf } from "../support/fixtures";

const MALFORMED_IDS = ["not-a-uuid", "42", `${randomUUID()}0`];

/** [key, order] of the table's columns, by order, straight from the database. */
async function columnOrder(tableId: string) {
  const columns = await getDb().column.findMany({ where: { tableId }, orderBy: [{ order: "asc" }, { key: "asc" }] });
  return columns.map((c) => [c.key, c.order]);
}

function expectContiguousOrders(columns: (string | number)[][]) {
  expect(columns.map(([, order]) => order)).toEqual(columns.map((_, i) => i));
}

test("GET /api/tables/:tableId/columns – the columns in order, as in GET /api/tables/:tableId", async () => {
  const t = await makeTable({ keys: ["name", "email", "company"], rows: 1 });
  await api.patch(`/api/tables/${t.tableId}/columns/${t.columns.company}`, { order: 0 });

  const listed = await api.get(`/api/tables/${t.tableId}/columns`);

  expect(listed.status).toBe(200);
  expect(Object.keys(listed.body)).toEqual(["data"]);
  expect(listed.body.data.map((c: { key: string; order: number }) => [c.key, c.order])).toEqual([
    ["company", 0],
    ["name", 1],
    ["email", 2],
  ]);
  expect(listed.body.data).toEqual((await api.get(`/api/tables/${t.tableId}`)).body.columns);
});

test("GET /api/tables/:tableId/columns – unknown or malformed table id → 404", async () => {
  for (const id of [randomUUID(), ...MALFORMED_IDS]) {
    expectError(await api.get(`/api/tables/${id}/columns`), 404, "not_found");
  }
});

test("POST /api/tables/:tableId/columns – new column → 201 at the end, text by default", async () => {
  const t = await makeTable({ keys: ["name", "email"], rows: 0 });

  const created = await api.post(`/api/tables/${t.tableId}/columns`, { key: "company", label: "Company" });

  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({
    tableId: t.tableId,
    key: "company",
    label: "Company",
    dataType: "text",
    order: 2,
  });
  expect(await columnOrder(t.tableId)).toEqual([
    ["name", 0],
    ["email", 1],
    ["company", 2],
  ]);
  const table = await api.get(`/api/tables/${t.tableId}`);
  expect(table.body.columns.at(-1).id).toBe(created.body.id);
});

test("POST /api/tables/:tableId/columns – order 0 → inserted first, the others shift", async () => {
  const t = await makeTable({ keys: ["name", "email"], rows: 0 });

  const created = await api.post(`/api/tables/${t.tableId}/columns`, {
    key: "score",
    label: "Score",
    dataType: "number",
    order: 0,
  });

  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ key: "score", dataType: "number", order: 0 });
  expect(await columnOrder(t.tableId)).toEqual([
    ["score", 0],
    ["name", 1],
    ["email", 2],
  ]);
});

test("POST /api/tables/:tableId/columns – order in the middle → inserted there", async () => {
  const t = await makeTable({ keys: ["a", "b", "c"], rows: 0 });

  const created = await api.post(`/api/tables/${t.tableId}/columns`, { key: "x", label: "X", order: 1 });

  expect(created.body.order).toBe(1);
  expect(await columnOrder(t.tableId)).toEqual([
    ["a", 0],
    ["x", 1],
    ["b", 2],
    ["c", 3],
  ]);
});

test("POST /api/tables/:tableId/columns – order past the end → placed last", async () => {
  const t = await makeTable({ keys: ["a", "b"], rows: 0 });

  const created = await api.post(`/api/tables/${t.tableId}/columns`, { key: "z", label: "Z", order: 99 });

  expect(created.status).toBe(201);
  expect(created.body.order).toBe(2);
  expect(await columnOrder(t.tableId)).toEqual([
    ["a", 0],
    ["b", 1],
    ["z", 2],
  ]);
});

test("POST /api/tables/:tableId/columns – duplicate key → 409 and nothing is written", async () => {
  const t = await makeTable({ keys: ["name", "email"], rows: 2 });

  const result = await withoutWrites(() =>
    api.post(`/api/tables/${t.tableId}/columns`, { key: "email", label: "Other email", order: 0 }),
  );

  const error = expectError(result, 409, "conflict");
  expect(error.details).toEqual({ key: "email" });
});

test("POST /api/tables/:tableId/columns – same key in another table → 201", async () => {
  await makeTable({ keys: ["email"], rows: 0 });
  const other = await makeTable({ keys: ["name"], rows: 0 });

  const created = await api.post(`/api/tables/${other.tableId}/columns`, { key: "email", label: "Email" });

  expect(created.status).toBe(201);
});

test("POST /api/tables/:tableId/columns – invalid key → 422 naming the key, nothing written", async () => {
  const t = await makeTable({ keys: ["name"], rows: 0 });

  for (const key of ["Email", "1st", "_x", "has-dash", "has space", "", "k".repeat(64), 7]) {
    const result = await withoutWrites(() => api.post(`/api/tables/${t.tableId}/columns`, { key, label: "L" }));
    expectError(result, 422, "validation_failed");
    expect(detailPaths(result)).toEqual(["key"]);
  }
});

test("POST /api/tables/:tableId/columns – longest valid key (63 chars) → 201", async () => {
  const t = await makeTable({ keys: ["name"], rows: 0 });

  const created = await api.post(`/api/tables/${t.tableId}/columns`, { key: `k${"0".repeat(62)}`, label: "Long" });

  expect(created.status).toBe(201);
});

test("POST /api/tables/:tableId/columns – invalid label, data type or order → 422 naming each, nothing written", async () => {
  const t = await makeTable({ keys: ["name"], rows: 0 });

  const result = await withoutWrites(() =>
    api.post(`/api/tables/${t.tableId}/columns`, { key: "ok", label: "  ", dataType: "money", order: -1 }),
  );

  expectError(result, 422, "validation_failed");
  expect(detailPaths(result).sort()).toEqual(["dataType", "label", "order"]);
  const fractional = await withoutWrites(() =>
    api.post(`/api/tables/${t.tableId}/columns`, { key: "ok", label: "Ok", order: 1.5 }),
  );
  expect(detailPaths(fractional)).toEqual(["order"]);
});

test("POST /api/tables/:tableId/columns – unknown field → 422 and nothing is written", async () => {
  const t = await makeTable({ keys: ["name"], rows: 0 });

  const result = await withoutWrites(() =>
    api.post(`/api/tables/${t.tableId}/columns`, { key: "ok", label: "Ok", id: randomUUID() }),
  );

  expectError(result, 422, "validation_failed");
});

test("POST /api/tables/:tableId/columns – missing key or label → 422 naming both", async () => {
  const t = await makeTable({ keys: ["name"], rows: 0 });

  const result = await withoutWrites(() => api.post(`/api/tables/${t.tableId}/columns`, {}));

  expectError(result, 422, "validation_failed");
  expect(detailPaths(result).sort()).toEqual(["key", "label"]);
});

test("POST /api/tables/:tableId/columns – malformed JSON → 400 and nothing is written", async () => {
  const t = await makeTable({ keys: ["name"], rows: 0 });

  const result = await withoutWrites(() =>
    api.post(`/api/tables/${t.tableId}/columns`, undefined, { raw: '{"key":"x","label":' }),
  );

  expectError(result, 400, "invalid_json");
});

test("POST /api/tables/:tableId/columns – unknown or malformed table id → 404 and nothing is written", async () => {
  await makeTable({ keys: ["name"], rows: 0 });

  for (const id of [randomUUID(), ...MALFORMED_IDS]) {
    const result = await withoutWrites(() =>
      api.post(`/api/tables/${encodeURIComponent(id)}/columns`, { key: "x", label: "X" }),
    );
    expectError(result, 404, "not_found");
  }
});

test("POST /api/tables/:tableId/columns – table already at 500 columns → 422 and nothing is written", async () => {
  const keys = Array.from({ length: 500 }, (_, i) => `c${i}`);
  const t = await makeTable({ keys, rows: 0 });

  const result = await withoutWrites(() =>
    api.post(`/api/tables/${t.tableId}/columns`, { key: "one_more", label: "X" }),
  );

  expectError(result, 422, "validation_failed");
});

test("POST /api/tables/:tableId/columns – key of a deleted column → 201 with no old values in the rows", async () => {
  const t = await makeTable({ keys: ["name", "email"], rows: 2 });
  await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`, { data: { email: "old@example.com" } });
  expect((await api.delete(`/api/tables/${t.tableId}/columns/${t.columns.email}`)).status).toBe(204);

  const created = await api.post(`/api/tables/${t.tableId}/columns`, { key: "email", label: "Email" });

  expect(created.status).toBe(201);
  expect(created.body.id).not.toBe(t.columns.email);
  expect((await rowsOf(t.tableId)).map((r) => r.data)).toEqual([{ name: "Person 1" }, { name: "Person 2" }]);
});

test("PATCH /api/tables/:tableId/columns/:columnId – relabels and retypes, key unchanged", async () => {
  const t = await makeTable({ keys: ["name", "score"], rows: 0 });

  const result = await api.patch(`/api/tables/${t.tableId}/columns/${t.columns.score}`, {
    label: " Lead score ",
    dataType: "number",
  });

  expect(result.status).toBe(200);
  expect(result.body).toMatchObject({
    id: t.columns.score,
    key: "score",
    label: "Lead score",
    dataType: "number",
    order: 1,
  });
  expect(await getDb().column.findUniqueOrThrow({ where: { id: t.columns.score } })).toMatchObject({
    key: "score",
    label: "Lead score",
    dataType: "number",
  });
});

test("PATCH /api/tables/:tableId/columns/:columnId – order moves the column and shifts the others", async () => {
  const t = await makeTable({ keys: ["a", "b", "c", "d"], rows: 0 });
  const move = (key: string, order: number) =>
    api.patch(`/api/tables/${t.tableId}/columns/${t.columns[key]}`, { order });

  const last = await move("d", 0);
  expect(last.status).toBe(200);
  expect(last.body.order).toBe(0);
  expect(await columnOrder(t.tableId)).toEqual([
    ["d", 0],
    ["a", 1],
    ["b", 2],
    ["c", 3],
  ]);

  await move("d", 3);
  expect(await columnOrder(t.tableId)).toEqual([
    ["a", 0],
    ["b", 1],
    ["c", 2],
    ["d", 3],
  ]);

  await move("a", 2);
  expect(await columnOrder(t.tableId)).toEqual([
    ["b", 0],
    ["c", 1],
    ["a", 2],
    ["d", 3],
  ]);
  const table = await api.get(`/api/tables/${t.tableId}`);
  expect(table.body.columns.map((c: { key: string }) => c.key)).toEqual(["b", "c", "a", "d"]);
});

test("PATCH /api/tables/:tableId/columns/:columnId – order past the end → moved last", async () => {
  const t = await makeTable({ keys: ["a", "b", "c"], rows: 0 });

  const result = await api.patch(`/api/tables/${t.tableId}/columns/${t.columns.a}`, { order: 50 });

  expect(result.body.order).toBe(2);
  expect(await columnOrder(t.tableId)).toEqual([
    ["b", 0],
    ["c", 1],
    ["a", 2],
  ]);
});

test("PATCH /api/tables/:tableId/columns/:columnId – changing the key → 422 and nothing is written", async () => {
  const t = await makeTable({ keys: ["name", "email"], rows: 1 });

  const result = await withoutWrites(() =>
    api.patch(`/api/tables/${t.tableId}/columns/${t.columns.email}`, { key: "mail", label: "Mail" }),
  );

  expectError(result, 422, "validation_failed");
});

test("PATCH /api/tables/:tableId/columns/:columnId – empty or invalid patch → 422 and nothing is written", async () => {
  const t = await makeTable({ keys: ["name"], rows: 0 });
  const path = `/api/tables/${t.tableId}/columns/${t.columns.name}`;

  expectError(await withoutWrites(() => api.patch(path, {})), 422, "validation_failed");
  const invalid = await withoutWrites(() => api.patch(path, { label: "", dataType: "blob", order: -2 }));
  expectError(invalid, 422, "validation_failed");
  expect(detailPaths(invalid).sort()).toEqual(["dataType", "label", "order"]);
});

test("PATCH /api/tables/:tableId/columns/:columnId – malformed JSON → 400 and nothing is written", async () => {
  const t = await makeTable({ keys: ["name"], rows: 0 });

  const result = await withoutWrites(() =>
    api.patch(`/api/tables/${t.tableId}/columns/${t.columns.name}`, undefined, { raw: "{'label': 'x'}" }),
  );

  expectError(result, 400, "invalid_json");
});

test("PATCH /api/tables/:tableId/columns/:columnId – column of another table → 404, neither table changes", async () => {
  const mine = await makeTable({ keys: ["a", "b"], rows: 0 });
  const theirs = await makeTable({ keys: ["a", "b"], rows: 0 });

  const result = await withoutWrites(() =>
    api.patch(`/api/tables/${mine.tableId}/columns/${theirs.columns.b}`, { label: "Hijacked", order: 0 }),
  );

  expectError(result, 404, "not_found");
});

test("PATCH /api/tables/:tableId/columns/:columnId – unknown or malformed ids → 404 and nothing is written", async () => {
  const t = await makeTable({ keys: ["name"], rows: 0 });

  for (const id of [randomUUID(), ...MALFORMED_IDS]) {
    const column = await withoutWrites(() =>
      api.patch(`/api/tables/${t.tableId}/columns/${encodeURIComponent(id)}`, { label: "X" }),
    );
    expectError(column, 404, "not_found");
    const table = await withoutWrites(() =>
      api.patch(`/api/tables/${encodeURIComponent(id)}/columns/${t.columns.name}`, { label: "X" }),
    );
    expectError(table, 404, "not_found");
  }
});

test("PATCH /api/tables/:tableId/columns/:columnId – ids in upper case → the same column", async () => {
  const t = await makeTable({ keys: ["name"], rows: 0 });

  const result = await api.patch(`/api/tables/${t.tableId.toUpperCase()}/columns/${t.columns.name.toUpperCase()}`, {
    label: "Full name",
  });

  expect(result.status).toBe(200);
  expect(result.body).toMatchObject({ id: t.columns.name, label: "Full name" });
});

test("DELETE /api/tables/:tableId/columns/:columnId – 204, the key leaves every row and the others close up", async () => {
  const t = await makeTable({ keys: ["name", "email", "company"], rows: 3 });
  const other = await makeTable({ keys: ["name", "email"], rows: 1 });
  for (const [i, id] of t.rowIds.entries()) {
    await api.patch(`/api/tables/${t.tableId}/rows/${id}`, { data: { email: `p${i}@x.io`, company: `Co ${i}` } });
  }
  await api.patch(`/api/tables/${other.tableId}/rows/${other.rowIds[0]}`, { data: { email: "keep@x.io" } });

  const result = await api.delete(`/api/tables/${t.tableId}/columns/${t.columns.email}`);

  expect(result.status).toBe(204);
  expect(result.body).toBeUndefined();
  expect((await rowsOf(t.tableId)).map((r) => r.data)).toEqual([
    { name: "Person 1", company: "Co 0" },
    { name: "Person 2", company: "Co 1" },
    { name: "Person 3", company: "Co 2" },
  ]);
  expect(await columnOrder(t.tableId)).toEqual([
    ["name", 0],
    ["company", 1],
  ]);
  expect(await getDb().column.count({ where: { id: t.columns.email } })).toBe(0);
  // Another table's column with the same key keeps its values.
  expect((await rowsOf(other.tableId))[0].data).toEqual({ name: "Person 1", email: "keep@x.io" });
});

test("DELETE /api/tables/:tableId/columns/:columnId – its tasks and cell states go, the rest stay", async () => {
  const t = await makeTable({ keys: ["name", "email", "company"], rows: 2 });
  const job = await createEnrichmentJob({
    tableId: t.tableId,
    source: { mode: "grid", columnIds: [t.columns.email, t.columns.company], rowIds: "all" },
  });
  const db = getDb();
  expect(await db.cellEnrichmentTask.count({ where: { jobId: job.jobId } })).toBe(4);

  expect((await api.delete(`/api/tables/${t.tableId}/columns/${t.columns.email}`)).status).toBe(204);

  expect(await db.cellEnrichmentTask.count({ where: { columnId: t.columns.email } })).toBe(0);
  expect(await db.cellEnrichmentTask.count({ where: { columnId: t.columns.company } })).toBe(2);
  for (const row of await rowsOf(t.tableId)) {
    expect(Object.keys(row.cellStates as object)).toEqual([t.columns.company]);
  }
  const rows = await api.get(`/api/tables/${t.tableId}/rows`);
  for (const row of rows.body.data) {
    expect(Object.keys(row.cells)).toEqual([t.columns.company]);
    expect(row.status).toBe("queued");
  }
});

test("DELETE /api/tables/:tableId/columns/:columnId – last enriched column gone → rows back to idle", async () => {
  const t = await makeTable({ keys: ["name", "email"], rows: 2 });
  await createEnrichmentJob({
    tableId: t.tableId,
    source: { mode: "grid", columnIds: [t.columns.email], rowIds: "all" },
  });

  expect((await api.delete(`/api/tables/${t.tableId}/columns/${t.columns.email}`)).status).toBe(204);

  for (const row of await rowsOf(t.tableId)) {
    expect(row.cellStates).toEqual({});
    expect(row.status).toBe("idle");
  }
});

test("DELETE /api/tables/:tableId/columns/:columnId – column of another table → 404 and nothing is written", async () => {
  const mine = await makeTable({ keys: ["name", "email"], rows: 1 });
  const theirs = await makeTable({ keys: ["name", "email"], rows: 1 });
  await api.patch(`/api/tables/${theirs.tableId}/rows/${theirs.rowIds[0]}`, { data: { email: "a@b.c" } });

  const result = await withoutWrites(() => api.delete(`/api/tables/${mine.tableId}/columns/${theirs.columns.email}`));

  expectError(result, 404, "not_found");
});

test("DELETE /api/tables/:tableId/columns/:columnId – unknown or malformed ids → 404 and nothing is written", async () => {
  const t = await makeTable({ keys: ["name"], rows: 1 });

  for (const id of [randomUUID(), ...MALFORMED_IDS]) {
    expectError(
      await withoutWrites(() => api.delete(`/api/tables/${t.tableId}/columns/${encodeURIComponent(id)}`)),
      404,
      "not_found",
    );
    expectError(
      await withoutWrites(() => api.delete(`/api/tables/${encodeURIComponent(id)}/columns/${t.columns.name}`)),
      404,
      "not_found",
    );
  }
});

test("DELETE /api/tables/:tableId/columns/:columnId – deleting twice → 204 then 404", async () => {
  const t = await makeTable({ keys: ["name", "email"], rows: 0 });
  const path = `/api/tables/${t.tableId}/columns/${t.columns.email}`;

  expect((await api.delete(path)).status).toBe(204);
  expectError(await api.delete(path), 404, "not_found");
});

test("POST /api/tables/:tableId/columns – 20 concurrent creations with distinct keys → orders 0..19, no duplicates", async () => {
  const t = await makeTable({ keys: [], rows: 0 });

  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      api.post(`/api/tables/${t.tableId}/columns`, { key: `c${i}`, label: `C${i}` }),
    ),
  );

  expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
  const columns = await columnOrder(t.tableId);
  expect(columns).toHaveLength(20);
  expectContiguousOrders(columns);
  expect(new Set(columns.map(([key]) => key)).size).toBe(20);
  expect(results.map((r) => r.body.order).sort((a, b) => a - b)).toEqual(columns.map((_, i) => i));
});

test("POST /api/tables/:tableId/columns – 20 concurrent creations at order 0 → orders stay 0..n-1", async () => {
  const t = await makeTable({ keys: ["first", "second"], rows: 0 });

  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      api.post(`/api/tables/${t.tableId}/columns`, { key: `c${i}`, label: `C${i}`, order: 0 }),
    ),
  );

  expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
  const columns = await columnOrder(t.tableId);
  expect(columns).toHaveLength(22);
  expectContiguousOrders(columns);
  expect(columns.slice(-2)).toEqual([
    ["first", 20],
    ["second", 21],
  ]);
});

test("POST /api/tables/:tableId/columns – two concurrent creations with one key → one 201, one 409", async () => {
  const t = await makeTable({ keys: ["name"], rows: 0 });

  const results = await Promise.all([
    api.post(`/api/tables/${t.tableId}/columns`, { key: "email", label: "Email A" }),
    api.post(`/api/tables/${t.tableId}/columns`, { key: "email", label: "Email B" }),
  ]);

  expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
  expectError(results.find((r) => r.status === 409) ?? results[0], 409, "conflict");
  const columns = await getDb().column.findMany({ where: { tableId: t.tableId, key: "email" } });
  expect(columns).toHaveLength(1);
  expect(await columnOrder(t.tableId)).toEqual([
    ["name", 0],
    ["email", 1],
  ]);
});

test("PATCH /api/tables/:tableId/columns/:columnId – 20 concurrent reorders → orders stay a permutation of 0..n-1", async () => {
  const keys = Array.from({ length: 10 }, (_, i) => `c${i}`);
  const t = await makeTable({ keys, rows: 0 });

  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      api.patch(`/api/tables/${t.tableId}/columns/${t.columns[keys[i % 10]]}`, { order: (i * 7) % 10 }),
    ),
  );

  expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
  const columns = await columnOrder(t.tableId);
  expectContiguousOrders(columns);
  expect(columns.map(([key]) => key).sort()).toEqual([...keys].sort());
});

test("POST + DELETE /api/tables/:tableId/columns – concurrent creations and deletions → orders stay 0..n-1", async () => {
  const t = await makeTable({ keys: ["a", "b", "c", "d", "e", "f"], rows: 0 });

  const results = await Promise.all([
    ...["b", "d", "f"].map((key) => api.delete(`/api/tables/${t.tableId}/columns/${t.columns[key]}`)),
    ...["x", "y", "z"].map((key, i) => api.post(`/api/tables/${t.tableId}/columns`, { key, label: key, order: i })),
  ]);

  expect(results.map((r) => r.status)).toEqual([204, 204, 204, 201, 201, 201]);
  const columns = await columnOrder(t.tableId);
  expectContiguousOrders(columns);
  expect(columns.map(([key]) => key).sort()).toEqual(["a", "c", "e", "x", "y", "z"]);
});

test("DELETE /api/tables/:tableId/columns/:columnId – concurrent with row writes → no row keeps the deleted key", async () => {
  const t = await makeTable({ keys: ["name", "email"], rows: 5 });

  const results = await Promise.all([
    ...t.rowIds.map((id, i) => api.patch(`/api/tables/${t.tableId}/rows/${id}`, { data: { email: `p${i}@x.io` } })),
    api.delete(`/api/tables/${t.tableId}/columns/${t.columns.email}`),
    ...Array.from({ length: 5 }, (_, i) =>
      api.post(`/api/tables/${t.tableId}/rows`, { rows: [{ data: { name: `New ${i}`, email: `n${i}@x.io` } }] }),
    ),
  ]);

  // Each row write either ran before the delete (and was stripped by it) or after (and was rejected).
  for (const r of results) expect([200, 201, 204, 422]).toContain(r.status);
  for (const row of await rowsOf(t.tableId)) expect(row.data).not.toHaveProperty("email");
});

describe("a deleted column's values leave the rows a batch at a time", () => {
  /** A table whose `email` column holds a value in every row (set with one statement). */
  async function filled(rows: number) {
    const t = await makeTable({ keys: ["name", "email"], rows });
    await getDb()
      .$executeRaw`UPDATE rows SET data = data || jsonb_build_object('email', 'p' || position || '@x.io') WHERE table_id = ${t.tableId}::uuid`;
    return t;
  }
  const withKey = (tableId: string, key: string) =>
    getDb().$queryRaw<
      { n: bigint }[]
    >`SELECT count(*) AS n FROM rows WHERE table_id = ${tableId}::uuid AND data ? ${key}`.then(([r]) => Number(r.n));

  test("row writes go on while the values are removed: a write lands before the removal ends and loses nothing", async () => {
    const t = await filled(30_000);
    const deleting = api.delete(`/api/tables/${t.tableId}/columns/${t.columns.email}`);
    // The column is gone at once; its values are still in most rows.
    await vi.waitFor(async () => expect(await getDb().column.count({ where: { id: t.columns.email } })).toBe(0), {
      timeout: 30_000,
      interval: 20,
    });
    const last = t.rowIds.at(-1) as string;
    const written = await api.patch(`/api/tables/${t.tableId}/rows/${last}`, { data: { name: "Written meanwhile" } });
    expect(written.status).toBe(200);
    // The write did not wait for the whole table: the removal was still under way when it landed.
    expect(await getDb().columnKeyRemoval.count({ where: { tableId: t.tableId } })).toBe(1);
    expect((await deleting).status).toBe(204);
    expect(await withKey(t.tableId, "email")).toBe(0);
    expect(await getDb().columnKeyRemoval.count({ where: { tableId: t.tableId } })).toBe(0);
    const row = await getDb().row.findUniqueOrThrow({ where: { id: last } });
    expect(row.data).toEqual({ name: "Written meanwhile" });
  }, 120_000);

  test("until a removal ends its key is not taken again (409; a CSV append names the new column email_2); the watchdog finishes one whose request died", async () => {
    const t = await filled(50);
    // A delete whose request died after the column went: the removal is recorded, the values remain.
    await getDb().$transaction(async (tx) => {
      await tx.column.delete({ where: { id: t.columns.email } });
      await startKeyRemoval({ tableId: t.tableId, columnId: t.columns.email as string, key: "email" }, tx);
    });
    expect(await withKey(t.tableId, "email")).toBe(50);
    const again = await api.post(`/api/tables/${t.tableId}/columns`, { key: "email", label: "Email" });
    expectError(again, 409, "conflict");
    expect(again.body.error.message).toMatch(/still being removed/);
    const appended = await api.post(`/api/tables/${t.tableId}/import?createColumns=true`, undefined, {
      raw: "name,email\r\nNew,new@x.io\r\n",
      headers: { "content-type": "text/csv" },
    });
    expect(appended.status).toBe(201);
    expect(appended.body.meta.createdColumns).toEqual(["email_2"]);

    expect(await finishKeyRemovals({ olderThanSeconds: 0 })).toBe(1);
    expect(await withKey(t.tableId, "email")).toBe(0);
    expect(await withKey(t.tableId, "email_2")).toBe(1);
    expect((await api.post(`/api/tables/${t.tableId}/columns`, { key: "email", label: "Email" })).status).toBe(201);
  });

  test("a removal in small batches and a write racing each batch: every write kept, every value removed", async () => {
    const t = await filled(200);
    const columnId = t.columns.email as string;
    await getDb().$transaction(async (tx) => {
      await tx.column.delete({ where: { id: columnId } });
      await startKeyRemoval({ tableId: t.tableId, columnId, key: "email" }, tx);
    });
    await Promise.all([
      stripRemovedKey({ tableId: t.tableId, columnId, key: "email" }, { batchRows: 7 }),
      ...t.rowIds.map((id, i) => api.patch(`/api/tables/${t.tableId}/rows/${id}`, { data: { name: `W${i}` } })),
    ]);
    const rows = await getDb().row.findMany({ where: { tableId: t.tableId }, orderBy: { position: "asc" } });
    expect(rows.map((r) => r.data)).toEqual(t.rowIds.map((_, i) => ({ name: `W${i}` })));
  });
});
