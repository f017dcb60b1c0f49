import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import { getDb } from "@/lib/db";
import { createEnrichmentJob } from "@/lib/enrichment/create-job";
import { api } from "../support/api";
import { detailPaths, expectError, withoutWrites } from "../support/db-state";
import { makeTable } from "../support/fixtures";

const MALFORMED_IDS = ["not-a-uuid", "123", `${randomUUID()}x`, "00000000-0000-0000-0000-00000000000g"];

async function createTable(body: Record<string, unknown> = { name: "People" }) {
  const created = await api.post("/api/tables", body);
  expect(created.status).toBe(201);
  return created.body;
}

test("POST /api/tables – name, description and columns → 201 with the columns in order", async () => {
  const created = await api.post("/api/tables", {
    name: "  Leads  ",
    description: "People to call",
    columns: [
      { key: "name", label: "Name" },
      { key: "email", label: "Email", dataType: "email" },
      { key: "employees", label: "Employees", dataType: "number" },
    ],
  });

  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ name: "Leads", description: "People to call", rowCount: 0 });
  expect(
    created.body.columns.map((c: { key: string; order: number; dataType: string }) => [c.key, c.order, c.dataType]),
  ).toEqual([
    ["name", 0, "text"],
    ["email", 1, "email"],
    ["employees", 2, "number"],
  ]);
  const stored = await getDb().column.findMany({ where: { tableId: created.body.id }, orderBy: { order: "asc" } });
  expect(stored.map((c) => c.key)).toEqual(["name", "email", "employees"]);
  expect(created.body.columns.every((c: { tableId: string }) => c.tableId === created.body.id)).toBe(true);
});

test("POST /api/tables – name only → 201 with no columns and a null description", async () => {
  const created = await api.post("/api/tables", { name: "Empty" });

  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ name: "Empty", description: null, rowCount: 0, columns: [] });
  expect(await getDb().table.findUnique({ where: { id: created.body.id } })).not.toBeNull();
});

test("POST /api/tables – malformed JSON → 400 and nothing is written", async () => {
  const result = await withoutWrites(() => api.post("/api/tables", undefined, { raw: '{"name": "Leads",' }));

  expectError(result, 400, "invalid_json");
});

test("POST /api/tables – empty body → 400 and nothing is written", async () => {
  const result = await withoutWrites(() => api.post("/api/tables", undefined, { raw: "" }));

  expectError(result, 400, "invalid_json");
});

test("POST /api/tables – JSON that is not an object → 422 and nothing is written", async () => {
  for (const raw of ["null", "[]", '"Leads"', "42"]) {
    const result = await withoutWrites(() => api.post("/api/tables", undefined, { raw }));
    expectError(result, 422, "validation_failed");
  }
});

test("POST /api/tables – missing or blank name → 422 naming the field, nothing written", async () => {
  for (const body of [{}, { name: "" }, { name: "   " }, { name: 42 }, { name: "x".repeat(201) }]) {
    const result = await withoutWrites(() => api.post("/api/tables", body));
    expectError(result, 422, "validation_failed");
    expect(detailPaths(result)).toEqual(["name"]);
  }
});

test("POST /api/tables – unknown field → 422 and nothing is written", async () => {
  const result = await withoutWrites(() => api.post("/api/tables", { name: "Leads", owner: "me" }));

  expectError(result, 422, "validation_failed");
});

test("POST /api/tables – invalid column key and data type → 422 naming each field, nothing written", async () => {
  const result = await withoutWrites(() =>
    api.post("/api/tables", {
      name: "Leads",
      columns: [
        { key: "Name", label: "Name" },
        { key: "ok", label: "Ok", dataType: "currency" },
        { key: "1st", label: "First" },
        { key: "fine", label: "" },
      ],
    }),
  );

  expectError(result, 422, "validation_failed");
  expect(detailPaths(result).sort()).toEqual([
    "columns.0.key",
    "columns.1.dataType",
    "columns.2.key",
    "columns.3.label",
  ]);
});

test("POST /api/tables – duplicate column keys in the body → 422 naming the repeat, nothing written", async () => {
  const result = await withoutWrites(() =>
    api.post("/api/tables", {
      name: "Leads",
      columns: [
        { key: "email", label: "Email" },
        { key: "name", label: "Name" },
        { key: "email", label: "Email again" },
      ],
    }),
  );

  expectError(result, 422, "validation_failed");
  expect(detailPaths(result)).toEqual(["columns.2.key"]);
});

test("POST /api/tables – more than 500 columns → 422 and nothing is written", async () => {
  const columns = Array.from({ length: 501 }, (_, i) => ({ key: `c${i}`, label: `C${i}` }));
  const result = await withoutWrites(() => api.post("/api/tables", { name: "Wide", columns }));

  expectError(result, 422, "validation_failed");
  expect(detailPaths(result)).toEqual(["columns"]);
});

test("POST /api/tables – body over 1 MiB → 413 and nothing is written", async () => {
  const raw = JSON.stringify({ name: "Big", description: "a".repeat(1024 * 1024) });
  const result = await withoutWrites(() => api.post("/api/tables", undefined, { raw }));

  const error = expectError(result, 413, "payload_too_large");
  expect(error.details).toEqual({ limit: 1024 * 1024 });
});

test("POST /api/tables – declared Content-Length over the limit → 413 before the body is read", async () => {
  const result = await withoutWrites(() =>
    api.post("/api/tables", { name: "Small" }, { headers: { "content-length": String(2 * 1024 * 1024) } }),
  );

  expectError(result, 413, "payload_too_large");
});

test("POST /api/tables – text with a NUL character → 422, not a database error", async () => {
  const result = await withoutWrites(() =>
    api.post("/api/tables", { name: "Le\u0000ads", columns: [{ key: "name", label: "Na\u0000me" }] }),
  );

  expectError(result, 422, "validation_failed");
  expect(detailPaths(result).sort()).toEqual(["columns.0.label", "name"]);
});

test("GET /api/tables – lists tables oldest first with row counts and page meta", async () => {
  const before = await api.get("/api/tables?limit=200");
  const known = before.body.meta.total;
  const first = await makeTable({ name: "List A", keys: ["name"], rows: 3 });
  const second = await makeTable({ name: "List B", keys: ["name"], rows: 0 });

  const all = await api.get(`/api/tables?limit=200`);
  expect(all.status).toBe(200);
  expect(all.body.meta).toEqual({ total: known + 2, page: 1, limit: 200, totalPages: 1 });
  const tail = all.body.data.slice(-2);
  expect(tail.map((t: { id: string; rowCount: number }) => [t.id, t.rowCount])).toEqual([
    [first.tableId, 3],
    [second.tableId, 0],
  ]);
  expect(tail[0]).not.toHaveProperty("columns");

  const lastPage = await api.get(`/api/tables?page=${known + 2}&limit=1`);
  expect(lastPage.body.data.map((t: { id: string }) => t.id)).toEqual([second.tableId]);
  expect(lastPage.body.meta).toEqual({ total: known + 2, page: known + 2, limit: 1, totalPages: known + 2 });
});

test("GET /api/tables – page past the end → 200 with no data", async () => {
  const result = await api.get("/api/tables?page=9999");

  expect(result.status).toBe(200);
  expect(result.body.data).toEqual([]);
  expect(result.body.meta.page).toBe(9999);
});

test("GET /api/tables – invalid page or limit → 422 naming the parameter", async () => {
  for (const [query, path] of [
    ["page=0", "page"],
    ["page=abc", "page"],
    ["limit=0", "limit"],
    ["limit=201", "limit"],
    ["limit=1.5", "limit"],
  ]) {
    const result = await api.get(`/api/tables?${query}`);
    expectError(result, 422, "validation_failed");
    expect(detailPaths(result)).toEqual([path]);
  }
});

test("GET /api/tables/:tableId – the table with its columns by order and its row count", async () => {
  const t = await makeTable({ keys: ["name", "email", "company"], rows: 4 });
  // Move "company" to the front so order differs from creation order.
  await api.patch(`/api/tables/${t.tableId}/columns/${t.columns.company}`, { order: 0 });

  const result = await api.get(`/api/tables/${t.tableId}`);

  expect(result.status).toBe(200);
  expect(result.body).toMatchObject({ id: t.tableId, name: "Test table", rowCount: 4 });
  expect(result.body.columns.map((c: { key: string; order: number }) => [c.key, c.order])).toEqual([
    ["company", 0],
    ["name", 1],
    ["email", 2],
  ]);
});

test("GET /api/tables/:tableId – unknown id → 404", async () => {
  const result = await api.get(`/api/tables/${randomUUID()}`);

  expectError(result, 404, "not_found");
});

test("GET /api/tables/:tableId – malformed id → 404, not a database error", async () => {
  for (const id of MALFORMED_IDS) {
    const result = await api.get(`/api/tables/${encodeURIComponent(id)}`);
    expectError(result, 404, "not_found");
  }
});

test("GET /api/tables/:tableId – id in upper case → the same table", async () => {
  const table = await createTable();

  const result = await api.get(`/api/tables/${table.id.toUpperCase()}`);

  expect(result.status).toBe(200);
  expect(result.body.id).toBe(table.id);
});

test("PATCH /api/tables/:tableId – renames and describes the table", async () => {
  const table = await createTable({ name: "Old", columns: [{ key: "name", label: "Name" }] });

  const renamed = await api.patch(`/api/tables/${table.id}`, { name: " New ", description: "Described" });
  expect(renamed.status).toBe(200);
  expect(renamed.body).toMatchObject({ id: table.id, name: "New", description: "Described", rowCount: 0 });
  expect(renamed.body.columns.map((c: { key: string }) => c.key)).toEqual(["name"]);

  const cleared = await api.patch(`/api/tables/${table.id}`, { description: null });
  expect(cleared.body).toMatchObject({ name: "New", description: null });
  expect(await getDb().table.findUniqueOrThrow({ where: { id: table.id } })).toMatchObject({
    name: "New",
    description: null,
  });
});

test("PATCH /api/tables/:tableId – empty patch → 422 and nothing is written", async () => {
  const table = await createTable();

  const result = await withoutWrites(() => api.patch(`/api/tables/${table.id}`, {}));

  expectError(result, 422, "validation_failed");
});

test("PATCH /api/tables/:tableId – invalid fields → 422 naming them, nothing written", async () => {
  const table = await createTable();

  const result = await withoutWrites(() =>
    api.patch(`/api/tables/${table.id}`, { name: "", description: "d".repeat(2001) }),
  );

  expectError(result, 422, "validation_failed");
  expect(detailPaths(result).sort()).toEqual(["description", "name"]);
});

test("PATCH /api/tables/:tableId – unknown field → 422 and nothing is written", async () => {
  const table = await createTable();

  const result = await withoutWrites(() => api.patch(`/api/tables/${table.id}`, { name: "X", rowCount: 5 }));

  expectError(result, 422, "validation_failed");
});

test("PATCH /api/tables/:tableId – malformed JSON → 400 and nothing is written", async () => {
  const table = await createTable();

  const result = await withoutWrites(() => api.patch(`/api/tables/${table.id}`, undefined, { raw: "{name:" }));

  expectError(result, 400, "invalid_json");
});

test("PATCH /api/tables/:tableId – unknown or malformed id → 404 and nothing is written", async () => {
  await createTable();

  for (const id of [randomUUID(), ...MALFORMED_IDS]) {
    const result = await withoutWrites(() => api.patch(`/api/tables/${encodeURIComponent(id)}`, { name: "X" }));
    expectError(result, 404, "not_found");
  }
});

test("DELETE /api/tables/:tableId – 204 and its columns, rows, jobs and tasks are gone", async () => {
  const doomed = await makeTable({ keys: ["name", "email"], rows: 5 });
  const kept = await makeTable({ keys: ["name", "email"], rows: 2 });
  await createEnrichmentJob({
    tableId: doomed.tableId,
    source: { mode: "grid", columnIds: [doomed.columns.email], rowIds: "all" },
  });
  const keptJob = await createEnrichmentJob({
    tableId: kept.tableId,
    source: { mode: "grid", columnIds: [kept.columns.email], rowIds: "all" },
  });

  const result = await api.delete(`/api/tables/${doomed.tableId}`);

  expect(result.status).toBe(204);
  expect(result.body).toBeUndefined();
  const db = getDb();
  const where = { tableId: doomed.tableId };
  expect(await db.table.count({ where: { id: doomed.tableId } })).toBe(0);
  expect(await db.column.count({ where })).toBe(0);
  expect(await db.row.count({ where })).toBe(0);
  expect(await db.enrichmentJob.count({ where })).toBe(0);
  expect(await db.cellEnrichmentTask.count({ where })).toBe(0);
  expect(await db.cellEnrichmentTask.count({ where: { rowId: { in: doomed.rowIds } } })).toBe(0);
  // The other table is untouched.
  expect(await db.column.count({ where: { tableId: kept.tableId } })).toBe(2);
  expect(await db.row.count({ where: { tableId: kept.tableId } })).toBe(2);
  expect(await db.cellEnrichmentTask.count({ where: { jobId: keptJob.jobId } })).toBe(2);
  expectError(await api.get(`/api/tables/${doomed.tableId}`), 404, "not_found");
});

test("DELETE /api/tables/:tableId – unknown or malformed id → 404 and nothing is deleted", async () => {
  await makeTable({ keys: ["name"], rows: 2 });

  for (const id of [randomUUID(), ...MALFORMED_IDS]) {
    const result = await withoutWrites(() => api.delete(`/api/tables/${encodeURIComponent(id)}`));
    expectError(result, 404, "not_found");
  }
});

test("DELETE /api/tables/:tableId – deleting twice → 204 then 404", async () => {
  const table = await createTable();

  expect((await api.delete(`/api/tables/${table.id}`)).status).toBe(204);
  expectError(await api.delete(`/api/tables/${table.id}`), 404, "not_found");
});

test("DELETE /api/tables/:tableId – two concurrent deletes → one 204 and one 404", async () => {
  const t = await makeTable({ keys: ["name"], rows: 3 });

  const results = await Promise.all([api.delete(`/api/tables/${t.tableId}`), api.delete(`/api/tables/${t.tableId}`)]);

  expect(results.map((r) => r.status).sort()).toEqual([204, 404]);
  expect(await getDb().row.count({ where: { tableId: t.tableId } })).toBe(0);
});

test("POST /api/tables – 20 concurrent creations → 20 distinct tables, each with its own columns", async () => {
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      api.post("/api/tables", { name: `Concurrent ${i}`, columns: [{ key: "name", label: "Name" }] }),
    ),
  );

  expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
  const ids = results.map((r) => r.body.id);
  expect(new Set(ids).size).toBe(20);
  expect(await getDb().column.count({ where: { tableId: { in: ids } } })).toBe(20);
});

test("GET /api/health – 200 with the database reachable", async () => {
  const result = await api.get("/api/health");

  expect(result.status).toBe(200);
  expect(result.body).toEqual({ status: "ok", database: "ok" });
});
