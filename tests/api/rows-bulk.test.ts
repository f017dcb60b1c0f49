import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import "../support/no-orchestrator";
import { getDb } from "@/lib/db";
import { createEnrichmentJob } from "@/lib/enrichment/create-job";
import { runCellTask } from "@/lib/enrichment/run-cell";
import { type ApiResult, api } from "../support/api";
import { detailPaths, expectError, withoutWrites } from "../support/db-state";
import { jobOf, makeTable, rowsOf, taskIdsOf } from "../support/fixtures";

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

// DELETE /api/tables/:tableId/rows – many rows in one request, all or nothing.
describe("DELETE /api/tables/:tableId/rows", () => {
  test("deletes the listed rows and nothing else, and says how many", async () => {
    const t = await makeTable({ keys: ["name"], rows: 5 });
    const res = await api.delete(url(t.tableId), { ids: [t.rowIds[3], t.rowIds[0].toUpperCase(), t.rowIds[1]] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ meta: { deleted: 3, deletion: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
    expect((await rowsOf(t.tableId)).map((r) => r.id)).toEqual([t.rowIds[2], t.rowIds[4]]);
  });

  test("a row of another table, an unknown or a malformed id → 422 naming them, and nothing is deleted", async () => {
    const t = await makeTable({ keys: ["name"], rows: 2 });
    const other = await makeTable({ keys: ["name"], rows: 1 });
    const missing = randomUUID();
    const res = await withoutWrites(() =>
      api.delete(url(t.tableId), { ids: [t.rowIds[0], other.rowIds[0], missing, "nope"] }),
    );
    expectError(res, 422, "validation_failed");
    expect(res.body.error.details.unknownRowIds).toEqual([other.rowIds[0], missing, "nope"]);
  });

  test("bad bodies: malformed JSON → 400, no ids or a wrong shape → 422, unknown table → 404; nothing is deleted", async () => {
    const t = await makeTable({ keys: ["name"], rows: 1 });
    await withoutWrites(async () => {
      expectError(await api.delete(url(t.tableId), undefined, { raw: "{ids:" }), 400, "invalid_json");
      expectError(await api.delete(url(t.tableId), undefined, { raw: "" }), 400, "invalid_json");
      expect(detailPaths(expectErrorOf(await api.delete(url(t.tableId), { ids: [] }), 422))).toEqual(["ids"]);
      expectError(await api.delete(url(t.tableId), { ids: "all" }), 422, "validation_failed");
      expectError(await api.delete(url(t.tableId), { ids: [t.rowIds[0]], extra: 1 }), 422, "validation_failed");
      expectError(await api.delete(url(randomUUID()), { ids: [t.rowIds[0]] }), 404, "not_found");
    });
  });

  test("rows with unfinished tasks: their cells count as failed, so the job still ends", async () => {
    const t = await makeTable({ keys: ["email"], rows: 3 });
    const job = await createEnrichmentJob({
      tableId: t.tableId,
      source: { mode: "grid", columnIds: [t.columns.email], rowIds: "all" },
    });
    const [first] = await taskIdsOf(job.jobId);
    await runCellTask(first);
    const res = await api.delete(url(t.tableId), { ids: [t.rowIds[1], t.rowIds[2]] });
    expect(res.status).toBe(200);
    expect(await jobOf(job.jobId)).toMatchObject({ status: "completed", doneTasks: 1, failedTasks: 2 });
  });

  test("two overlapping deletes racing → one deletes, the other is a 422 for the rows already gone", async () => {
    const t = await makeTable({ keys: ["name"], rows: 4 });
    const [a, b] = await Promise.all([
      api.delete(url(t.tableId), { ids: [t.rowIds[0], t.rowIds[1]] }),
      api.delete(url(t.tableId), { ids: [t.rowIds[1], t.rowIds[0]] }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 422]);
    expect((await rowsOf(t.tableId)).map((r) => r.id)).toEqual([t.rowIds[2], t.rowIds[3]]);
  });
});

// POST /api/tables/:tableId/rows/restore – takes back one DELETE /rows (the grid's undo).
describe("POST /api/tables/:tableId/rows/restore", () => {
  test("brings the deleted rows back under their ids, at their places, with their values; once", async () => {
    const t = await makeTable({ keys: ["name", "email"], rows: 5 });
    await api.patch(url(t.tableId), { rows: [{ id: t.rowIds[1], data: { email: "b@x.io" } }] });
    const before = await dataOf(t.tableId);
    const deleted = await api.delete(url(t.tableId), { ids: [t.rowIds[3], t.rowIds[1]] });
    expect((await rowsOf(t.tableId)).map((r) => r.id)).toEqual([t.rowIds[0], t.rowIds[2], t.rowIds[4]]);
    const res = await api.post(`${url(t.tableId)}/restore`, { deletion: deleted.body.meta.deletion });
    expect(res.status).toBe(200);
    expect(res.body.meta).toEqual({ restored: 2 });
    expect(res.body.data.map((r: { id: string; data: unknown }) => [r.id, r.data])).toEqual([
      [t.rowIds[1], { name: "Person 2", email: "b@x.io" }],
      [t.rowIds[3], { name: "Person 4" }],
    ]);
    const after = await rowsOf(t.tableId);
    expect(after.map((r) => ({ id: r.id, data: r.data }))).toEqual(before.map((r) => ({ id: r.id, data: r.data })));
    expect((await api.get(`/api/tables/${t.tableId}`)).body.rowCount).toBe(5);
    // Search finds them again (the search index is written by the rows' triggers).
    const found = await api.get(`${url(t.tableId)}?q=b@x.io`);
    expect(found.body.data.map((r: { id: string }) => r.id)).toEqual([t.rowIds[1]]);
    // A deletion is taken back once.
    const again = await withoutWrites(() =>
      api.post(`${url(t.tableId)}/restore`, { deletion: deleted.body.meta.deletion }),
    );
    expectError(again, 404, "not_found");
  });

  test("cells of the restored rows have no run; values of deleted columns, or of a newer column under a deleted key, stay out", async () => {
    const t = await makeTable({ keys: ["name", "email", "title"], rows: 2 });
    await api.patch(url(t.tableId), { rows: [{ id: t.rowIds[0], data: { email: "a@x.io", title: "CEO" } }] });
    const job = await createEnrichmentJob({
      tableId: t.tableId,
      source: { mode: "grid", columnIds: [t.columns.email], rowIds: [t.rowIds[1]] },
    });
    const [task] = await taskIdsOf(job.jobId);
    await runCellTask(task);
    const deleted = await api.delete(url(t.tableId), { ids: t.rowIds });
    expect(deleted.status).toBe(200);
    expect((await api.delete(`/api/tables/${t.tableId}/columns/${t.columns.title}`)).status).toBe(204);
    const newer = await api.post(`/api/tables/${t.tableId}/columns`, { key: "title", label: "Job title" });
    expect(newer.status).toBe(201);
    const res = await api.post(`${url(t.tableId)}/restore`, { deletion: deleted.body.meta.deletion });
    expect(res.status).toBe(200);
    const [first, second] = res.body.data;
    expect(first.data).toEqual({ name: "Person 1", email: "a@x.io" });
    expect(second.data.email).toEqual(expect.any(String));
    expect(second.status).toBe("idle");
    expect(second.cellStates ?? {}).toEqual({});
    expect(await getDb().cellEnrichmentTask.count({ where: { rowId: t.rowIds[1] } })).toBe(0);
  });

  test("bad input: a malformed or unknown deletion, another table's deletion, extra keys → 4xx, nothing restored", async () => {
    const t = await makeTable({ keys: ["name"], rows: 2 });
    const other = await makeTable({ keys: ["name"], rows: 1 });
    const otherDeletion = (await api.delete(url(other.tableId), { ids: other.rowIds })).body.meta.deletion;
    const deletion = (await api.delete(url(t.tableId), { ids: [t.rowIds[0]] })).body.meta.deletion;
    const restore = (body: unknown, raw?: string) =>
      api.post(`${url(t.tableId)}/restore`, body, raw === undefined ? undefined : { raw });
    await withoutWrites(async () => {
      expectError(await restore(undefined, "{deletion:"), 400, "invalid_json");
      expect(detailPaths(expectErrorOf(await restore({}), 422))).toEqual(["deletion"]);
      expect(detailPaths(expectErrorOf(await restore({ deletion: "nope" }), 422))).toEqual(["deletion"]);
      expectError(await restore({ deletion, extra: 1 }), 422, "validation_failed");
      expectError(await restore({ deletion: randomUUID() }), 404, "not_found");
      expectError(await restore({ deletion: otherDeletion }), 404, "not_found");
      expectError(await api.post(`${url(randomUUID())}/restore`, { deletion }), 404, "not_found");
      const get = await api.get(`${url(t.tableId)}/restore`);
      expectError(get, 405, "method_not_allowed");
    });
  });

  test("two restores of one deletion racing → one 200, one 404, the rows once", async () => {
    const t = await makeTable({ keys: ["name"], rows: 3 });
    const { deletion } = (await api.delete(url(t.tableId), { ids: [t.rowIds[0], t.rowIds[2]] })).body.meta;
    const results = await Promise.all([1, 2].map(() => api.post(`${url(t.tableId)}/restore`, { deletion })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 404]);
    expect((await rowsOf(t.tableId)).map((r) => r.id)).toEqual(t.rowIds);
  });

  test("a single-row DELETE keeps nothing to restore", async () => {
    const t = await makeTable({ keys: ["name"], rows: 1 });
    expect((await api.delete(`${url(t.tableId)}/${t.rowIds[0]}`)).status).toBe(204);
    expect(await getDb().deletedRow.count({ where: { tableId: t.tableId } })).toBe(0);
  });
});

function expectErrorOf(result: ApiResult, status: number) {
  expectError(result, status, "validation_failed");
  return result;
}
