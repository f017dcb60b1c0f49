import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { api } from "../support/api";
import { detailPaths, expectError, withoutWrites } from "../support/db-state";
import { makeTable } from "../support/fixtures";

// Saved views: /api/tables/:tableId/views and /views/:viewId.

const viewsOf = (tableId: string) => `/api/tables/${tableId}/views`;
const table = () => makeTable({ keys: ["name", "email", "company"], rows: 2 });

const VIEW = {
  name: "No email yet",
  filter: {
    and: [
      { column: "email", op: "is_empty" },
      { column: "company", op: "is_not_empty" },
    ],
  },
  sort: [{ column: "company", direction: "asc" }],
  hiddenColumns: ["name"],
  columnWidths: { email: 320 },
};

describe("saved views", () => {
  test("POST → 201 with the view; GET lists and reads it; defaults for what is left out", async () => {
    const t = await table();
    const created = await api.post(viewsOf(t.tableId), VIEW);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...VIEW, tableId: t.tableId, id: expect.any(String) });
    const plain = await api.post(viewsOf(t.tableId), { name: "Everything" });
    expect(plain.body).toMatchObject({ filter: null, sort: [], hiddenColumns: [], columnWidths: {} });
    const list = await api.get(viewsOf(t.tableId));
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ data: [created.body, plain.body], meta: { total: 2 } });
    expect((await api.get(`${viewsOf(t.tableId)}/${created.body.id}`)).body).toEqual(created.body);
  });

  test("PATCH changes only what it names; a null filter clears it; DELETE → 204, then 404", async () => {
    const t = await table();
    const { body: view } = await api.post(viewsOf(t.tableId), VIEW);
    const renamed = await api.patch(`${viewsOf(t.tableId)}/${view.id}`, {
      name: "Renamed",
      columnWidths: { name: 90 },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ ...VIEW, name: "Renamed", columnWidths: { name: 90 } });
    const cleared = await api.patch(`${viewsOf(t.tableId)}/${view.id}`, { filter: null, sort: [] });
    expect(cleared.body).toMatchObject({ filter: null, sort: [], hiddenColumns: ["name"] });
    expect((await api.delete(`${viewsOf(t.tableId)}/${view.id}`)).status).toBe(204);
    expectError(await api.get(`${viewsOf(t.tableId)}/${view.id}`), 404, "not_found");
  });

  test("a duplicate name in the same table → 409 (POST and PATCH), nothing written; other tables may reuse it", async () => {
    const t = await table();
    const other = await table();
    const { body: first } = await api.post(viewsOf(t.tableId), { name: "Leads" });
    const { body: second } = await api.post(viewsOf(t.tableId), { name: "Customers" });
    await withoutWrites(async () => {
      expectError(await api.post(viewsOf(t.tableId), { name: "Leads" }), 409, "conflict");
      expectError(await api.post(viewsOf(t.tableId), { name: "  Leads " }), 409, "conflict");
      expectError(await api.patch(`${viewsOf(t.tableId)}/${second.id}`, { name: "Leads" }), 409, "conflict");
    });
    expect((await api.patch(`${viewsOf(t.tableId)}/${first.id}`, { name: "Leads" })).status).toBe(200);
    expect((await api.post(viewsOf(other.tableId), { name: "Leads" })).status).toBe(201);
  });

  test.each<[string, unknown, string[]]>([
    ["no name", { filter: null }, ["name"]],
    ["an empty name", { name: "  " }, ["name"]],
    ["a NUL in the name", { name: "a\u0000" }, ["name"]],
    ["an unknown field", { name: "x", color: "red" }, ["color"]],
    ["a filter of an unknown column", { name: "x", filter: { column: "zip", op: "is_empty" } }, ["filter.column"]],
    ["a malformed filter", { name: "x", filter: { or: [{ op: "nope" }] } }, ["filter.or.0.op"]],
    [
      "a filter value that does not parse",
      { name: "x", filter: { column: "email", op: "gt", value: 1 } },
      ["filter.op"],
    ],
    ["a sort of an unknown column", { name: "x", sort: [{ column: "zip" }] }, ["sort.0"]],
    ["a sort direction", { name: "x", sort: [{ column: "name", direction: "up" }] }, ["sort.0.direction"]],
    ["a column sorted twice", { name: "x", sort: [{ column: "name" }, { column: "name" }] }, ["sort.1.column"]],
    ["an unknown hidden column", { name: "x", hiddenColumns: ["email", "zip"] }, ["hiddenColumns.1"]],
    ["a hidden column twice", { name: "x", hiddenColumns: ["email", "email"] }, ["hiddenColumns"]],
    ["a malformed hidden key", { name: "x", hiddenColumns: ["__proto__"] }, ["hiddenColumns.0"]],
    ["a width of an unknown column", { name: "x", columnWidths: { zip: 100 } }, ["columnWidths.zip"]],
    ["a width too small", { name: "x", columnWidths: { email: 10 } }, ["columnWidths.email"]],
    ["a width that is not whole", { name: "x", columnWidths: { email: 100.5 } }, ["columnWidths.email"]],
    // JSON.parse keeps "__proto__" as a key of its own, as a request body has it.
    [
      "a width keyed __proto__",
      { name: "x", columnWidths: JSON.parse('{"__proto__":100}') },
      ["columnWidths.__proto__"],
    ],
    [
      "every problem at once",
      { name: "x", filter: { column: "zip", op: "is_empty" }, hiddenColumns: ["zip"] },
      ["filter.column", "hiddenColumns.0"],
    ],
  ])("POST with %s → 422 naming it, nothing written", async (_title, body, paths) => {
    const t = await table();
    const res = await withoutWrites(() => api.post(viewsOf(t.tableId), body));
    expectError(res, 422, "validation_failed");
    expect(detailPaths(res)).toEqual(paths);
  });

  test("PATCH with nothing, or with a bad part → 422, nothing written", async () => {
    const t = await table();
    const { body: view } = await api.post(viewsOf(t.tableId), VIEW);
    await withoutWrites(async () => {
      expectError(await api.patch(`${viewsOf(t.tableId)}/${view.id}`, {}), 422, "validation_failed");
      const bad = await api.patch(`${viewsOf(t.tableId)}/${view.id}`, { name: "ok", sort: [{ column: "zip" }] });
      expect(detailPaths(bad)).toEqual(["sort.0"]);
      expectError(await api.patch(`${viewsOf(t.tableId)}/${view.id}`, undefined, { raw: "{" }), 400, "invalid_json");
    });
  });

  test("views of another table, unknown and malformed ids → 404, nothing written", async () => {
    const t = await table();
    const other = await table();
    const { body: view } = await api.post(viewsOf(t.tableId), { name: "Mine" });
    await withoutWrites(async () => {
      for (const path of [
        `${viewsOf(other.tableId)}/${view.id}`,
        `${viewsOf(t.tableId)}/${randomUUID()}`,
        `${viewsOf(t.tableId)}/nope`,
      ]) {
        expectError(await api.get(path), 404, "not_found");
        expectError(await api.patch(path, { name: "x" }), 404, "not_found");
        expectError(await api.delete(path), 404, "not_found");
      }
      expectError(await api.get(viewsOf(randomUUID())), 404, "not_found");
      expectError(await api.post(viewsOf(randomUUID()), { name: "x" }), 404, "not_found");
    });
  });

  test("deleting a column removes it from every view; a group it empties goes, and so does an empty filter", async () => {
    const t = await table();
    const { body: view } = await api.post(viewsOf(t.tableId), {
      name: "Mixed",
      filter: {
        and: [
          { column: "name", op: "is_not_empty" },
          {
            or: [
              { column: "email", op: "is_empty" },
              { column: "email", op: "contains", value: "@" },
            ],
          },
        ],
      },
      sort: [
        { column: "email", direction: "desc" },
        { column: "name", direction: "asc" },
      ],
      hiddenColumns: ["email", "company"],
      columnWidths: { email: 300, name: 120 },
    });
    const { body: only } = await api.post(viewsOf(t.tableId), {
      name: "Only email",
      filter: { column: "email", op: "is_empty" },
    });
    expect((await api.delete(`/api/tables/${t.tableId}/columns/${t.columns.email}`)).status).toBe(204);
    expect((await api.get(`${viewsOf(t.tableId)}/${view.id}`)).body).toMatchObject({
      filter: { and: [{ column: "name", op: "is_not_empty" }] },
      sort: [{ column: "name", direction: "asc" }],
      hiddenColumns: ["company"],
      columnWidths: { name: 120 },
    });
    expect((await api.get(`${viewsOf(t.tableId)}/${only.id}`)).body.filter).toBeNull();
  });

  test("changing a column's type drops the conditions that no longer fit it", async () => {
    const t = await makeTable({ keys: ["name", "employees"], rows: 1 });
    await api.patch(`/api/tables/${t.tableId}/columns/${t.columns.employees}`, { dataType: "number" });
    const { body: view } = await api.post(viewsOf(t.tableId), {
      name: "Big",
      filter: {
        or: [
          { column: "employees", op: "gt", value: 100 },
          { column: "employees", op: "is_empty" },
        ],
      },
    });
    await api.patch(`/api/tables/${t.tableId}/columns/${t.columns.employees}`, { dataType: "text" });
    expect((await api.get(`${viewsOf(t.tableId)}/${view.id}`)).body.filter).toEqual({
      or: [{ column: "employees", op: "is_empty" }],
    });
  });

  test("deleting the table deletes its views", async () => {
    const t = await table();
    await api.post(viewsOf(t.tableId), { name: "Gone soon" });
    expect((await api.delete(`/api/tables/${t.tableId}`)).status).toBe(204);
    expectError(await api.get(viewsOf(t.tableId)), 404, "not_found");
  });
});
