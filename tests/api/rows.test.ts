import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import { getDb } from "@/lib/db";
import { createEnrichmentJob } from "@/lib/enrichment/create-job";
import { api } from "../support/api";
import { detailPaths, expectError, withoutWrites } from "../support/db-state";
import { makeTable, rowsOf } from "../support/fixtures";

const MALFORMED_IDS = ["not-a-uuid", "1", `${randomUUID()}-1`];

type Row = { id: string; position: number; data: Record<string, unknown> };

test("POST /api/tables/:tableId/rows – bulk insert → 201 with the rows in request order", async () => {
  const t = await makeTable({ keys: ["name", "email", "employees", "active"], rows: 0 });

  const created = await api.post(`/api/tables/${t.tableId}/rows`, {
    rows: [
      { data: { name: "Ada", email: "ada@x.io", employees: 12, active: true } },
      { data: { name: "Grace", employees: null } },
      { data: {} },
      {},
    ],
  });

  expect(created.status).toBe(201);
  expect(created.body.meta).toEqual({ created: 4 });
  expect(created.body.data.map((r: Row) => r.data)).toEqual([
    { name: "Ada", email: "ada@x.io", employees: 12, active: true },
    { name: "Grace" },
    {},
    {},
  ]);
  const positions = created.body.data.map((r: Row) => r.position);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  expect(new Set(positions).size).toBe(4);
  expect(created.body.data[0]).toMatchObject({ tableId: t.tableId, status: "idle", cells: {}, confidence: null });
  const stored = await rowsOf(t.tableId);
  expect(stored.map((r) => r.id)).toEqual(created.body.data.map((r: Row) => r.id));
  expect((await api.get(`/api/tables/${t.tableId}`)).body.rowCount).toBe(4);
});

test("POST /api/tables/:tableId/rows – new rows sort after the existing ones", async () => {
  const t = await makeTable({ keys: ["name"], rows: 2 });

  const created = await api.post(`/api/tables/${t.tableId}/rows`, { rows: [{ data: { name: "Last" } }] });

  const listed = await api.get(`/api/tables/${t.tableId}/rows`);
  expect(listed.body.data.map((r: Row) => r.data.name)).toEqual(["Person 1", "Person 2", "Last"]);
  expect(listed.body.data.at(-1).id).toBe(created.body.data[0].id);
});

test("POST /api/tables/:tableId/rows – unknown keys → 422 naming each one, no row written", async () => {
  const t = await makeTable({ keys: ["name", "email"], rows: 1 });

  const result = await withoutWrites(() =>
    api.post(`/api/tables/${t.tableId}/rows`, {
      rows: [{ data: { name: "Fine" } }, { data: { name: "Bad", phone: "1" } }, { data: { Email: "x", fax: "2" } }],
    }),
  );

  expectError(result, 422, "validation_failed");
  expect(detailPaths(result)).toEqual(["rows.1.data.phone", "rows.2.data.Email", "rows.2.data.fax"]);
});

test("POST /api/tables/:tableId/rows – a key of another table's column → 422 and nothing is written", async () => {
  const t = await makeTable({ keys: ["name"], rows: 0 });
  await makeTable({ keys: ["name", "email"], rows: 0 });

  const result = await withoutWrites(() =>
    api.post(`/api/tables/${t.tableId}/rows`, { rows: [{ data: { email: "x@y.z" } }] }),
  );

  expectError(result, 422, "validation_failed");
  expect(detailPaths(result)).toEqual(["rows.0.data.email"]);
});

test("POST /api/tables/:tableId/rows – values that are not scalars → 422 naming them, nothing written", async () => {
  const t = await makeTable({ keys: ["name", "email", "tags"], rows: 0 });

  const result = await withoutWrites(() =>
    api.post(`/api/tables/${t.tableId}/rows`, {
      rows: [
        { data: { name: { first: "Ada" } } },
        { data: { tags: ["a", "b"] } },
        { data: { email: "x".repeat(10_001) } },
      ],
    }),
  );

  expectError(result, 422, "validation_failed");
  expect(detailPaths(result)).toEqual(["rows.0.data.name", "rows.1.data.tags", "rows.2.data.email"]);
});

test("POST /api/tables/:tableId/rows – malformed bodies → 422 and nothing is written", async () => {
  const t = await makeTable({ keys: ["name"], rows: 1 });

  for (const [body, path] of [
    [{}, "rows"],
    [{ rows: [] }, "rows"],
    [{ rows: {} }, "rows"],
    [{ rows: [{ data: "Ada" }] }, "rows.0.data"],
    [{ rows: [{ data: {}, id: randomUUID() }] }, "rows.0.id"],
    [{ rows: [{ data: {} }], extra: 1 }, "extra"],
    [[{ data: {} }], "(root)"],
  ] as const) {
    const result = await withoutWrites(() => api.post(`/api/tables/${t.tableId}/rows`, body));
    expectError(result, 422, "validation_failed");
    expect(detailPaths(result)).toEqual([path]);
  }
});

test("POST /api/tables/:tableId/rows – more than 10,000 rows → 422 and nothing is written", async () => {
  const t = await makeTable({ keys: ["name"], rows: 0 });

  const result = await withoutWrites(() =>
    api.post(`/api/tables/${t.tableId}/rows`, { rows: Array.from({ length: 10_001 }, () => ({ data: {} })) }),
  );

  expectError(result, 422, "validation_failed");
  expect(detailPaths(result)).toEqual(["rows"]);
});

test("POST /api/tables/:tableId/rows – 10,000 rows in one request → 201 and all stored in order", async () => {
  const t = await makeTable({ keys: ["name"], rows: 0 });

  const created = await api.post(`/api/tables/${t.tableId}/rows`, {
    rows: Array.from({ length: 10_000 }, (_, i) => ({ data: { name: `R${i}` } })),
  });

  expect(created.status).toBe(201);
  expect(created.body.meta.created).toBe(10_000);
  const stored = await rowsOf(t.tableId);
  expect(stored).toHaveLength(10_000);
  expect(stored.every((r, i) => (r.data as { name: string }).name === `R${i}`)).toBe(true);
});

test("POST /api/tables/:tableId/rows – malformed JSON → 400 and nothing is written", async () => {
  const t = await makeTable({ keys: ["name"], rows: 1 });

  const result = await withoutWrites(() =>
    api.post(`/api/tables/${t.tableId}/rows`, undefined, { raw: '{"rows": [{"data": {"name": "x"}}' }),
  );

  expectError(result, 400, "invalid_json");
});

test("POST /api/tables/:tableId/rows – body over 16 MiB → 413 and nothing is written", async () => {
  const t = await makeTable({ keys: ["name"], rows: 1 });
  const value = "x".repeat(9_000);
  const rows = Array.from({ length: 2_000 }, () => ({ data: { name: value } }));

  const result = await withoutWrites(() => api.post(`/api/tables/${t.tableId}/rows`, { rows }));

  const error = expectError(result, 413, "payload_too_large");
  expect(error.details).toEqual({ limit: 16 * 1024 * 1024 });
});

test("POST /api/tables/:tableId/rows – a value with a NUL character → 422, not a database error", async () => {
  const t = await makeTable({ keys: ["name"], rows: 1 });

  const result = await withoutWrites(() =>
    api.post(`/api/tables/${t.tableId}/rows`, { rows: [{ data: { name: "ok" } }, { data: { name: "a\u0000b" } }] }),
  );

  expectError(result, 422, "validation_failed");
  expect(detailPaths(result)).toEqual(["rows.1.data.name"]);
});

test("POST /api/tables/:tableId/rows – unknown or malformed table id → 404 and nothing is written", async () => {
  await makeTable({ keys: ["name"], rows: 1 });

  for (const id of [randomUUID(), ...MALFORMED_IDS]) {
    const result = await withoutWrites(() =>
      api.post(`/api/tables/${encodeURIComponent(id)}/rows`, { rows: [{ data: {} }] }),
    );
    expectError(result, 404, "not_found");
  }
});

test("POST /api/tables/:tableId/rows – 20 concurrent bulk inserts into one table → all 201, every row stored", async () => {
  const t = await makeTable({ keys: ["name"], rows: 0 });

  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      api.post(`/api/tables/${t.tableId}/rows`, { rows: [{ data: { name: `A${i}` } }, { data: { name: `B${i}` } }] }),
    ),
  );

  expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
  const stored = await rowsOf(t.tableId);
  expect(stored).toHaveLength(40);
  expect(new Set(stored.map((r) => r.position)).size).toBe(40);
  // Each request's rows stay in request order.
  for (let i = 0; i < 20; i++) {
    const names = stored.map((r) => (r.data as { name: string }).name);
    expect(names.indexOf(`A${i}`)).toBeLessThan(names.indexOf(`B${i}`));
  }
});

test("GET /api/tables/:tableId/rows – page and limit → that page with total, page, limit, totalPages", async () => {
  const t = await makeTable({ keys: ["name"], rows: 120 });
  const names = (rows: Row[]) => rows.map((r) => r.data.name);

  const first = await api.get(`/api/tables/${t.tableId}/rows?page=1&limit=50`);
  expect(first.status).toBe(200);
  expect(first.body.meta).toMatchObject({ total: 120, page: 1, limit: 50, totalPages: 3 });
  expect(names(first.body.data)).toEqual(Array.from({ length: 50 }, (_, i) => `Person ${i + 1}`));

  const third = await api.get(`/api/tables/${t.tableId}/rows?page=3&limit=50`);
  expect(third.body.meta).toMatchObject({ total: 120, page: 3, limit: 50, totalPages: 3 });
  expect(names(third.body.data)).toEqual(Array.from({ length: 20 }, (_, i) => `Person ${i + 101}`));

  const beyond = await api.get(`/api/tables/${t.tableId}/rows?page=4&limit=50`);
  expect(beyond.status).toBe(200);
  expect(beyond.body.data).toEqual([]);
  expect(beyond.body.meta).toMatchObject({ total: 120, page: 4, totalPages: 3 });
});

test("GET /api/tables/:tableId/rows – no query → page 1 of 50", async () => {
  const t = await makeTable({ keys: ["name"], rows: 60 });

  const result = await api.get(`/api/tables/${t.tableId}/rows`);

  expect(result.body.data).toHaveLength(50);
  expect(result.body.meta).toMatchObject({ total: 60, page: 1, limit: 50, totalPages: 2 });
});

test("GET /api/tables/:tableId/rows – empty table → no data and zero pages", async () => {
  const t = await makeTable({ keys: ["name"], rows: 0 });

  const result = await api.get(`/api/tables/${t.tableId}/rows`);

  expect(result.body).toMatchObject({ data: [], meta: { total: 0, page: 1, limit: 50, totalPages: 0 } });
});

test("GET /api/tables/:tableId/rows – limit up to 1000 is honoured, above it → 422", async () => {
  const t = await makeTable({ keys: ["name"], rows: 1005 });

  const max = await api.get(`/api/tables/${t.tableId}/rows?limit=1000`);
  expect(max.body.data).toHaveLength(1000);
  expect(max.body.meta).toMatchObject({ total: 1005, limit: 1000, totalPages: 2 });

  const over = await api.get(`/api/tables/${t.tableId}/rows?limit=1001`);
  expectError(over, 422, "validation_failed");
  expect(detailPaths(over)).toEqual(["limit"]);
});

test("GET /api/tables/:tableId/rows – invalid query → 422 naming the parameter", async () => {
  const t = await makeTable({ keys: ["name"], rows: 1 });

  for (const [query, path] of [
    ["limit=0", "limit"],
    ["limit=ten", "limit"],
    ["page=0", "page"],
    ["page=1.5", "page"],
    ["offset=-1", "offset"],
    ["after=abc", "after"],
    ["page=2&offset=10", "(root)"],
    ["offset=0&after=5", "(root)"],
    ["order=name", "order"],
    ["sort=nope", "sort.0"],
  ]) {
    const result = await api.get(`/api/tables/${t.tableId}/rows?${query}`);
    expectError(result, 422, "validation_failed");
    expect(detailPaths(result)).toEqual([path]);
  }
  // Digits only but too large: said so, not "written with digits only".
  const huge = await api.get(`/api/tables/${t.tableId}/rows?after=99999999999999999999`);
  expect(expectError(huge, 422, "validation_failed").details).toEqual([
    { path: "after", message: `must be at most ${Number.MAX_SAFE_INTEGER}` },
  ]);
  // Spaces around a sort key and its direction are not part of the key.
  expect((await api.get(`/api/tables/${t.tableId}/rows?sort=${encodeURIComponent(" name : desc ")}`)).status).toBe(200);
});

test("GET /api/tables/:tableId/rows – offset and limit → that window of rows", async () => {
  const t = await makeTable({ keys: ["name"], rows: 30 });

  const result = await api.get(`/api/tables/${t.tableId}/rows?offset=25&limit=10`);

  expect(result.body.data.map((r: Row) => r.data.name)).toEqual([
    "Person 26",
    "Person 27",
    "Person 28",
    "Person 29",
    "Person 30",
  ]);
  expect(result.body.meta).toMatchObject({ total: 30, offset: 25, limit: 10, page: 3, totalPages: 3 });
});

test("GET /api/tables/:tableId/rows – `after` cursor walks every row once, then nextCursor is null", async () => {
  const t = await makeTable({ keys: ["name"], rows: 23 });
  // Rows of another table interleave in the global position sequence and must not leak in.
  const other = await makeTable({ keys: ["name"], rows: 5 });
  await api.post(`/api/tables/${t.tableId}/rows`, { rows: [{ data: { name: "Person 24" } }] });
  await api.post(`/api/tables/${other.tableId}/rows`, { rows: [{ data: { name: "Other" } }] });

  const seen: string[] = [];
  let url = `/api/tables/${t.tableId}/rows?limit=10`;
  for (let pages = 0; pages < 10; pages++) {
    const page = await api.get(url);
    expect(page.status).toBe(200);
    seen.push(...page.body.data.map((r: Row) => r.id));
    if (page.body.meta.nextCursor === null) break;
    url = `/api/tables/${t.tableId}/rows?after=${page.body.meta.nextCursor}&limit=10`;
  }

  expect(seen).toEqual((await rowsOf(t.tableId)).map((r) => r.id));
  expect(seen).toHaveLength(24);
});

test("GET /api/tables/:tableId/rows – nextCursor is null on the last page, also when it is full", async () => {
  const t = await makeTable({ keys: ["name"], rows: 20 });
  const meta = async (query: string) => (await api.get(`/api/tables/${t.tableId}/rows?${query}`)).body.meta;
  const first = await meta("limit=10");
  expect(first.nextCursor).not.toBeNull();
  expect(await meta(`after=${first.nextCursor}&limit=10`)).toMatchObject({ nextCursor: null });
  expect(await meta("page=2&limit=10")).toMatchObject({ nextCursor: null });
  expect(await meta("offset=10&limit=10")).toMatchObject({ nextCursor: null });
  expect(await meta("offset=9&limit=10")).not.toMatchObject({ nextCursor: null });
  expect(await meta("limit=20")).toMatchObject({ nextCursor: null });
  // A view: 11 rows match (Person 1, Person 10 … Person 19).
  const filter = encodeURIComponent(JSON.stringify({ column: "name", op: "starts_with", value: "Person 1" }));
  const viewFirst = await meta(`filter=${filter}&limit=10`);
  expect(viewFirst).toMatchObject({ total: 11 });
  expect(viewFirst.nextCursor).not.toBeNull();
  const viewLast = await meta(`filter=${filter}&after=${viewFirst.nextCursor}&limit=1`);
  expect(viewLast).toMatchObject({ nextCursor: null });
  expect(await meta(`filter=${filter}&limit=11`)).toMatchObject({ nextCursor: null });
});

test("GET /api/tables/:tableId/rows – only the table's own rows", async () => {
  const mine = await makeTable({ keys: ["name"], rows: 2 });
  await makeTable({ keys: ["name"], rows: 3 });

  const result = await api.get(`/api/tables/${mine.tableId}/rows`);

  expect(result.body.data.map((r: Row) => r.id)).toEqual(mine.rowIds);
  expect(result.body.meta.total).toBe(2);
});

test("GET /api/tables/:tableId/rows – unknown or malformed table id → 404", async () => {
  for (const id of [randomUUID(), ...MALFORMED_IDS]) {
    expectError(await api.get(`/api/tables/${encodeURIComponent(id)}/rows`), 404, "not_found");
  }
});

test("GET /api/tables/:tableId/rows/:rowId – the row; a row of another table → 404", async () => {
  const mine = await makeTable({ keys: ["name"], rows: 1 });
  const theirs = await makeTable({ keys: ["name"], rows: 1 });

  const found = await api.get(`/api/tables/${mine.tableId}/rows/${mine.rowIds[0]}`);
  expect(found.status).toBe(200);
  expect(found.body).toMatchObject({ id: mine.rowIds[0], tableId: mine.tableId, data: { name: "Person 1" } });

  expectError(await api.get(`/api/tables/${mine.tableId}/rows/${theirs.rowIds[0]}`), 404, "not_found");
  expectError(await api.get(`/api/tables/${mine.tableId}/rows/${randomUUID()}`), 404, "not_found");
  expectError(await api.get(`/api/tables/${mine.tableId}/rows/nope`), 404, "not_found");
});

test("PATCH /api/tables/:tableId/rows/:rowId – merges the keys, null removes one, the rest stay", async () => {
  const t = await makeTable({ keys: ["name", "email", "company", "score"], rows: 2 });
  await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`, { data: { email: "ada@x.io", company: "Acme" } });

  const result = await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`, {
    data: { company: null, score: 0.5, email: "ada@y.io" },
  });

  expect(result.status).toBe(200);
  expect(result.body).toMatchObject({ id: t.rowIds[0], data: { name: "Person 1", email: "ada@y.io", score: 0.5 } });
  expect(result.body.data).not.toHaveProperty("company");
  const [first, second] = await rowsOf(t.tableId);
  expect(first.data).toEqual({ name: "Person 1", email: "ada@y.io", score: 0.5 });
  expect(second.data).toEqual({ name: "Person 2" });
});

test("PATCH /api/tables/:tableId/rows/:rowId – empty data → 200 and the values are unchanged", async () => {
  const t = await makeTable({ keys: ["name"], rows: 1 });

  const result = await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`, { data: {} });

  expect(result.status).toBe(200);
  expect(result.body.data).toEqual({ name: "Person 1" });
});

test("PATCH /api/tables/:tableId/rows/:rowId – unknown key → 422 naming it, nothing written", async () => {
  const t = await makeTable({ keys: ["name", "email"], rows: 1 });

  const result = await withoutWrites(() =>
    api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`, { data: { email: "ok@x.io", phone: "123" } }),
  );

  expectError(result, 422, "validation_failed");
  expect(detailPaths(result)).toEqual(["data.phone"]);
});

test("PATCH /api/tables/:tableId/rows/:rowId – invalid body → 422 naming the field, nothing written", async () => {
  const t = await makeTable({ keys: ["name"], rows: 1 });
  const path = `/api/tables/${t.tableId}/rows/${t.rowIds[0]}`;

  for (const [body, field] of [
    [{}, "data"],
    [{ data: { name: [1] } }, "data.name"],
    [{ data: { name: "a\u0000" } }, "data.name"],
    [{ data: {}, status: "done" }, "status"],
  ] as const) {
    const result = await withoutWrites(() => api.patch(path, body));
    expectError(result, 422, "validation_failed");
    expect(detailPaths(result)).toEqual([field]);
  }
});

test("PATCH /api/tables/:tableId/rows/:rowId – malformed JSON → 400 and nothing is written", async () => {
  const t = await makeTable({ keys: ["name"], rows: 1 });

  const result = await withoutWrites(() =>
    api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`, undefined, { raw: '{"data": {"name": }' }),
  );

  expectError(result, 400, "invalid_json");
});

test("PATCH /api/tables/:tableId/rows/:rowId – row of another table → 404, neither row changes", async () => {
  const mine = await makeTable({ keys: ["name"], rows: 1 });
  const theirs = await makeTable({ keys: ["name"], rows: 1 });

  const result = await withoutWrites(() =>
    api.patch(`/api/tables/${mine.tableId}/rows/${theirs.rowIds[0]}`, { data: { name: "Hijacked" } }),
  );

  expectError(result, 404, "not_found");
});

test("PATCH /api/tables/:tableId/rows/:rowId – unknown or malformed ids → 404 and nothing is written", async () => {
  const t = await makeTable({ keys: ["name"], rows: 1 });

  for (const id of [randomUUID(), ...MALFORMED_IDS]) {
    const row = await withoutWrites(() =>
      api.patch(`/api/tables/${t.tableId}/rows/${encodeURIComponent(id)}`, { data: { name: "X" } }),
    );
    expectError(row, 404, "not_found");
    const table = await withoutWrites(() =>
      api.patch(`/api/tables/${encodeURIComponent(id)}/rows/${t.rowIds[0]}`, { data: { name: "X" } }),
    );
    expectError(table, 404, "not_found");
  }
});

test("PATCH /api/tables/:tableId/rows/:rowId – 20 concurrent patches of different keys → all survive", async () => {
  const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
  const t = await makeTable({ keys, rows: 1 });
  const path = `/api/tables/${t.tableId}/rows/${t.rowIds[0]}`;

  const results = await Promise.all(keys.map((key, i) => api.patch(path, { data: { [key]: `v${i}` } })));

  expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
  const [row] = await rowsOf(t.tableId);
  expect(row.data).toEqual(Object.fromEntries(keys.map((key, i) => [key, `v${i}`])));
});

test("PATCH /api/tables/:tableId/rows/:rowId – concurrent sets and removals of different keys → each applies", async () => {
  const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
  const t = await makeTable({ keys, rows: 1 });
  const path = `/api/tables/${t.tableId}/rows/${t.rowIds[0]}`;
  await api.patch(path, { data: Object.fromEntries(keys.map((k) => [k, "old"])) });

  // Even keys are removed, odd keys are overwritten, all at once.
  const results = await Promise.all(keys.map((key, i) => api.patch(path, { data: { [key]: i % 2 ? "new" : null } })));

  expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
  const [row] = await rowsOf(t.tableId);
  expect(row.data).toEqual(Object.fromEntries(keys.filter((_, i) => i % 2).map((k) => [k, "new"])));
});

test("DELETE /api/tables/:tableId/rows/:rowId – 204, the row and its tasks are gone, the others stay", async () => {
  const t = await makeTable({ keys: ["name", "email"], rows: 3 });
  const job = await createEnrichmentJob({
    tableId: t.tableId,
    source: { mode: "grid", columnIds: [t.columns.email], rowIds: "all" },
  });

  const result = await api.delete(`/api/tables/${t.tableId}/rows/${t.rowIds[1]}`);

  expect(result.status).toBe(204);
  expect(result.body).toBeUndefined();
  const db = getDb();
  expect((await rowsOf(t.tableId)).map((r) => r.id)).toEqual([t.rowIds[0], t.rowIds[2]]);
  expect(await db.cellEnrichmentTask.count({ where: { rowId: t.rowIds[1] } })).toBe(0);
  expect(await db.cellEnrichmentTask.count({ where: { jobId: job.jobId } })).toBe(2);
  expect((await api.get(`/api/tables/${t.tableId}`)).body.rowCount).toBe(2);
  expectError(await api.get(`/api/tables/${t.tableId}/rows/${t.rowIds[1]}`), 404, "not_found");
});

test("DELETE /api/tables/:tableId/rows/:rowId – row of another table → 404 and nothing is deleted", async () => {
  const mine = await makeTable({ keys: ["name"], rows: 1 });
  const theirs = await makeTable({ keys: ["name"], rows: 1 });

  const result = await withoutWrites(() => api.delete(`/api/tables/${mine.tableId}/rows/${theirs.rowIds[0]}`));

  expectError(result, 404, "not_found");
});

test("DELETE /api/tables/:tableId/rows/:rowId – unknown or malformed ids → 404 and nothing is deleted", async () => {
  const t = await makeTable({ keys: ["name"], rows: 1 });

  for (const id of [randomUUID(), ...MALFORMED_IDS]) {
    expectError(
      await withoutWrites(() => api.delete(`/api/tables/${t.tableId}/rows/${encodeURIComponent(id)}`)),
      404,
      "not_found",
    );
    expectError(
      await withoutWrites(() => api.delete(`/api/tables/${encodeURIComponent(id)}/rows/${t.rowIds[0]}`)),
      404,
      "not_found",
    );
  }
});

test("DELETE /api/tables/:tableId/rows/:rowId – two concurrent deletes → one 204 and one 404", async () => {
  const t = await makeTable({ keys: ["name"], rows: 2 });
  const path = `/api/tables/${t.tableId}/rows/${t.rowIds[0]}`;

  const results = await Promise.all([api.delete(path), api.delete(path)]);

  expect(results.map((r) => r.status).sort()).toEqual([204, 404]);
  expect((await rowsOf(t.tableId)).map((r) => r.id)).toEqual([t.rowIds[1]]);
});

test("PATCH + DELETE /api/tables/:tableId/rows/:rowId – patch racing a delete → 200 or 404, never a revived row", async () => {
  const t = await makeTable({ keys: ["name"], rows: 1 });
  const path = `/api/tables/${t.tableId}/rows/${t.rowIds[0]}`;

  const [patched, deleted] = await Promise.all([api.patch(path, { data: { name: "Late" } }), api.delete(path)]);

  expect([200, 404]).toContain(patched.status);
  expect(deleted.status).toBe(204);
  expect(await rowsOf(t.tableId)).toEqual([]);
});
