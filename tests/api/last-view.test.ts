import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { getDb } from "@/lib/db";
import { api, type RequestInit } from "../support/api";
import { activate, addMember, createKey, createWorkspace, signUp, type TestPerson } from "../support/auth";
import { detailPaths, expectError, withoutWrites } from "../support/db-state";
import { makeTable } from "../support/fixtures";

// Each person's last used view of a table: GET/PUT /api/tables/:tableId/views/last.

const ORIGIN = "http://localhost:3000";
const lastOf = (tableId: string) => `/api/tables/${tableId}/views/last`;

let owner: TestPerson;
let viewer: TestPerson;
let workspaceId: string;
const as = (person: TestPerson): RequestInit => ({ headers: { cookie: person.cookie, origin: ORIGIN } });

beforeAll(async () => {
  owner = await signUp();
  viewer = await signUp();
  workspaceId = await createWorkspace(owner.userId, "Views");
  await addMember(workspaceId, viewer.userId, "viewer");
  for (const person of [owner, viewer]) await activate(person.userId, workspaceId);
});

/** A table of the workspace with two saved views. */
async function tableWithViews() {
  const t = await makeTable({ keys: ["name", "email"], rows: 2, workspaceId });
  const views = [];
  for (const name of ["No email", "Everyone"]) {
    const created = await api.post(`/api/tables/${t.tableId}/views`, { name }, as(owner));
    expect(created.status).toBe(201);
    views.push(created.body.id as string);
  }
  return { tableId: t.tableId, views };
}

describe("GET/PUT /api/tables/:tableId/views/last", () => {
  test("nothing remembered → { viewId: null }; PUT a view → GET returns it; PUT null → all rows again", async () => {
    const { tableId, views } = await tableWithViews();
    expect((await api.get(lastOf(tableId), as(owner))).body).toEqual({ viewId: null });
    const put = await api.put(lastOf(tableId), { viewId: views[1] }, as(owner));
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ viewId: views[1] });
    expect((await api.get(lastOf(tableId), as(owner))).body).toEqual({ viewId: views[1] });
    expect((await api.put(lastOf(tableId), { viewId: null }, as(owner))).body).toEqual({ viewId: null });
    expect((await api.get(lastOf(tableId), as(owner))).body).toEqual({ viewId: null });
  });

  test("an upper-case view id is remembered in its canonical form", async () => {
    const { tableId, views } = await tableWithViews();
    const put = await api.put(lastOf(tableId), { viewId: views[0].toUpperCase() }, as(owner));
    expect(put.body).toEqual({ viewId: views[0] });
    expect((await api.get(lastOf(tableId), as(owner))).body).toEqual({ viewId: views[0] });
  });

  test("bad bodies → 422 in the one error shape, nothing written", async () => {
    const { tableId } = await tableWithViews();
    for (const body of [{}, { viewId: "first" }, { viewId: 5 }, { viewId: null, pinned: true }, [], "x", null]) {
      const res = await withoutWrites(() => api.put(lastOf(tableId), body, as(owner)));
      expectError(res, 422, "validation_failed");
    }
  });

  test("a view of another table, or no view at all → 422 naming viewId, nothing written", async () => {
    const { tableId } = await tableWithViews();
    const other = await tableWithViews();
    for (const viewId of [other.views[0], randomUUID()]) {
      const res = await withoutWrites(() => api.put(lastOf(tableId), { viewId }, as(owner)));
      expectError(res, 422, "validation_failed");
      expect(detailPaths(res)).toEqual(["viewId"]);
    }
  });

  test("a body that is not JSON → 415; malformed JSON → 400; nothing written", async () => {
    const { tableId } = await tableWithViews();
    const csv = await withoutWrites(() =>
      api.put(lastOf(tableId), undefined, {
        headers: { cookie: owner.cookie, origin: ORIGIN, "content-type": "text/plain" },
        raw: '{"viewId":null}',
      }),
    );
    expectError(csv, 415, "unsupported_media_type");
    const broken = await withoutWrites(() => api.put(lastOf(tableId), undefined, { ...as(owner), raw: '{"viewId":' }));
    expect(broken.status).toBe(400);
    expect(Object.keys(broken.body)).toEqual(["error"]);
  });

  test("a viewer may remember their own view (it is read-only); each person's choice is their own", async () => {
    const { tableId, views } = await tableWithViews();
    expect((await api.put(lastOf(tableId), { viewId: views[0] }, as(owner))).status).toBe(200);
    expect((await api.put(lastOf(tableId), { viewId: views[1] }, as(viewer))).status).toBe(200);
    expect((await api.get(lastOf(tableId), as(owner))).body).toEqual({ viewId: views[0] });
    expect((await api.get(lastOf(tableId), as(viewer))).body).toEqual({ viewId: views[1] });
    // A person's choice is per table too.
    const second = await tableWithViews();
    expect((await api.get(lastOf(second.tableId), as(owner))).body).toEqual({ viewId: null });
  });

  test("API keys have no person's choice → 403 even with every scope; no credentials → 401; another workspace → 404", async () => {
    const { tableId, views } = await tableWithViews();
    const { key } = await createKey(workspaceId, owner.userId, ["read", "write", "enrich"]);
    const byKey = { headers: { authorization: `Bearer ${key}` } };
    expectError(await api.get(lastOf(tableId), byKey), 403, "forbidden");
    expectError(await withoutWrites(() => api.put(lastOf(tableId), { viewId: views[0] }, byKey)), 403, "forbidden");
    expectError(await api.get(lastOf(tableId), { anonymous: true }), 401, "unauthorized");
    const stranger = await signUp();
    await activate(stranger.userId, await createWorkspace(stranger.userId, "Elsewhere"));
    expectError(await api.get(lastOf(tableId), as(stranger)), 404, "not_found");
    expectError(
      await withoutWrites(() => api.put(lastOf(tableId), { viewId: views[0] }, as(stranger))),
      404,
      "not_found",
    );
    expectError(await api.get(lastOf(randomUUID()), as(owner)), 404, "not_found");
  });

  test("deleting the remembered view falls back to all rows; other people's choices stay", async () => {
    const { tableId, views } = await tableWithViews();
    await api.put(lastOf(tableId), { viewId: views[0] }, as(owner));
    await api.put(lastOf(tableId), { viewId: views[1] }, as(viewer));
    expect((await api.delete(`/api/tables/${tableId}/views/${views[0]}`, undefined, as(owner))).status).toBe(204);
    expect((await api.get(lastOf(tableId), as(owner))).body).toEqual({ viewId: null });
    expect((await api.get(lastOf(tableId), as(viewer))).body).toEqual({ viewId: views[1] });
  });

  test("a view deleted while it is being remembered: the PUT is a 200 or a 422, never a 500; all rows after", async () => {
    for (let i = 0; i < 5; i++) {
      const { tableId, views } = await tableWithViews();
      const [put, deleted] = await Promise.all([
        api.put(lastOf(tableId), { viewId: views[0] }, as(owner)),
        api.delete(`/api/tables/${tableId}/views/${views[0]}`, undefined, as(owner)),
      ]);
      expect(deleted.status).toBe(204);
      expect([200, 422]).toContain(put.status);
      expect((await api.get(lastOf(tableId), as(owner))).body).toEqual({ viewId: null });
    }
  });

  test("deleting the table or the person removes what was remembered", async () => {
    const { tableId, views } = await tableWithViews();
    const leaving = await signUp();
    await addMember(workspaceId, leaving.userId, "member");
    await activate(leaving.userId, workspaceId);
    await api.put(lastOf(tableId), { viewId: views[0] }, as(leaving));
    await api.put(lastOf(tableId), { viewId: views[1] }, as(owner));
    const db = getDb();
    expect(await db.lastView.count({ where: { tableId } })).toBe(2);
    await db.user.delete({ where: { id: leaving.userId } });
    expect(await db.lastView.findMany({ where: { tableId }, select: { userId: true } })).toEqual([
      { userId: owner.userId },
    ]);
    expect((await api.delete(`/api/tables/${tableId}`, undefined, as(owner))).status).toBe(204);
    expect(await db.lastView.count({ where: { tableId } })).toBe(0);
  });
});
