import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { getDb } from "@/lib/db";
import { api } from "../support/api";
import { makeTable, rowsOf } from "../support/fixtures";

// PATCH /api/tables/:tableId/rows – a paste: many rows merged at once, all or nothing.

const url = (tableId: string) => `/api/tables/${tableId}/rows`;

async function dataOf(tableId: string) {
  return (await rowsOf(tableId)).map((r) => ({ id: r.id, data: r.data, updatedAt: r.updatedAt.toISOString() }));
}

describe("PATCH /api/tables/:tableId/rows", () => {
  test("merges each row's keys, null removes a key, and returns the rows in table order", async () => {
    const t = await makeTable({ keys: ["name", "email", "title"], rows: 3 });
    await api.patch(`${url(t.tableId)}/${t.rowIds[0]}`, { data: { title: "CEO" } });
    const res = await api.patch(url(t.tableId), {
      rows: [
        { id: t.rowIds[2], data: { email: "c@x.io" } },
        { id: t.rowIds[0], data: { email: "a@x.io", title: null } },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.meta).toEqual({ updated: 2 });
    expect(res.body.data.map((r: { id: string }) => r.id)).toEqual([t.rowIds[0], t.rowIds[2]]);
    const rows = await rowsOf(t.tableId);
    expect(rows.map((r) => r.data)).toEqual([
      { name: "Person 1", email: "a@x.io" },
      { name: "Person 2" },
      { name: "Person 3", email: "c@x.io" },
    ]);
  });

  test("unknown column key → 422 naming it, and no row is written", async () => {
    const t = await makeTable({ keys: ["name", "email"], rows: 2 });
    const before = await dataOf(t.tableId);
    const res = await api.patch(url(t.tableId), {
      rows: [
        { id: t.rowIds[0], data: { email: "ok@x.io" } },
        { id: t.rowIds[1], data: { phone: "1" } },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([{ path: "rows.1.data.phone", message: 'unknown column key "phone"' }]);
    expect(await dataOf(t.tableId)).toEqual(before);
  });

  test("a row of another table, an unknown or a malformed id → 422 naming them, and nothing is written", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    const other = await makeTable({ keys: ["email"], rows: 1 });
    const before = [await dataOf(t.tableId), await dataOf(other.tableId)];
    const missing = randomUUID();
    const res = await api.patch(url(t.tableId), {
      rows: [
        { id: t.rowIds[0], data: { email: "a@x.io" } },
        { id: other.rowIds[0], data: { email: "b@x.io" } },
        { id: missing, data: { email: "c@x.io" } },
        { id: "not-a-uuid", data: { email: "d@x.io" } },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details.unknownRowIds).toEqual([other.rowIds[0], missing, "not-a-uuid"]);
    expect([await dataOf(t.tableId), await dataOf(other.tableId)]).toEqual(before);
  });

  test("bad bodies: malformed JSON → 400, empty or duplicate rows → 422, unknown table → 404", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    expect((await api.patch(url(t.tableId), undefined, { raw: "{rows:" })).status).toBe(400);
    expect((await api.patch(url(t.tableId), { rows: [] })).status).toBe(422);
    const dup = await api.patch(url(t.tableId), {
      rows: [
        { id: t.rowIds[0], data: { email: "a" } },
        { id: t.rowIds[0].toUpperCase(), data: { email: "b" } },
      ],
    });
    expect(dup.status).toBe(422);
    expect(dup.body.error.details).toEqual([{ path: "rows.1.id", message: "the same row is listed twice" }]);
    const unknown = await api.patch(url(randomUUID()), { rows: [{ id: t.rowIds[0], data: { email: "x" } }] });
    expect(unknown.status).toBe(404);
    expect((await rowsOf(t.tableId))[0].data).toEqual({});
  });

  test("20 concurrent pastes into the same rows, each writing its own key, all survive", async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
    const t = await makeTable({ keys, rows: 5 });
    const responses = await Promise.all(
      keys.map((key) =>
        api.patch(url(t.tableId), {
          // Each paste lists the rows in a different order: row locks are taken in id order.
          rows: [...t.rowIds].sort(() => Math.random() - 0.5).map((id) => ({ id, data: { [key]: key } })),
        }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(keys.map(() => 200));
    for (const row of await getDb().row.findMany({ where: { tableId: t.tableId } })) {
      expect(Object.keys(row.data as object).sort()).toEqual([...keys].sort());
    }
  });
});
