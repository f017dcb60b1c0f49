import "../support/no-orchestrator";
import { beforeAll, beforeEach, describe, expect, test } from "vitest";
import { getDb } from "@/lib/db";
import { type RequestInit, request } from "../support/api";
import { activate, addMember, createKey, createWorkspace, signUp, type TestPerson } from "../support/auth";
import { dbState } from "../support/db-state";
import { makeTable } from "../support/fixtures";
import { TEST_SECRET_KEY } from "../support/replicas";

// Who may see and manage a workspace's provider keys. Listing the providers is reading; storing
// or forgetting a key spends the workspace's money, so a person must be an owner or admin,
// and an API key needs the write scope (only admins can create keys). Another workspace's key
// acts in its own workspace: it never sees nor changes this one's keys.

const ORIGIN = "http://localhost:3000";
const KEY = "hunter-key-of-acme-0000000000000000000000000000000000000000000000abcd";

let owner: TestPerson;
let admin: TestPerson;
let member: TestPerson;
let viewer: TestPerson;
let workspaceId: string;
let elsewhere: string;
const keys = { write: "", readOnly: "", revoked: "", other: "" };

beforeAll(async () => {
  [owner, admin, member, viewer] = await Promise.all([signUp(), signUp(), signUp(), signUp()]);
  workspaceId = await createWorkspace(owner.userId, "Acme");
  await addMember(workspaceId, admin.userId, "admin");
  await addMember(workspaceId, member.userId, "member");
  await addMember(workspaceId, viewer.userId, "viewer");
  for (const person of [owner, admin, member, viewer]) await activate(person.userId, workspaceId);
  keys.write = (await createKey(workspaceId, owner.userId, ["read", "write"])).key;
  keys.readOnly = (await createKey(workspaceId, owner.userId, ["read"])).key;
  const revoked = await createKey(workspaceId, owner.userId, ["read", "write", "enrich"]);
  await getDb().apikey.delete({ where: { id: revoked.id } });
  keys.revoked = revoked.key;
  const stranger = await signUp();
  elsewhere = await createWorkspace(stranger.userId, "Elsewhere");
  keys.other = (await createKey(elsewhere, stranger.userId, ["read", "write", "enrich"])).key;
});

beforeEach(async () => {
  process.env.GLAZE_SECRET_KEY = TEST_SECRET_KEY;
  await getDb().providerCredential.deleteMany({});
});

const bearer = (key: string): RequestInit => ({ headers: { authorization: `Bearer ${key}` } });
const session = (person: TestPerson): RequestInit => ({ headers: { cookie: person.cookie, origin: ORIGIN } });

const put = (init: RequestInit) => request("PUT", "/api/providers/hunter/credentials", { apiKey: KEY }, init);
const remove = (init: RequestInit) => request("DELETE", "/api/providers/hunter/credentials", undefined, init);
const hunterOf = async (init: RequestInit) =>
  (await request("GET", "/api/providers", undefined, init)).body.data.find(
    (p: { id: string }) => p.id === "hunter.email-finder",
  );
const storedIn = (workspace: string) =>
  getDb().providerCredential.count({ where: { workspaceId: workspace, provider: "hunter" } });

describe("GET /api/providers (read)", () => {
  test("a viewer's session and a read-only key see the list; no credentials or a revoked key → 401", async () => {
    for (const init of [session(viewer), bearer(keys.readOnly)]) {
      const res = await request("GET", "/api/providers", undefined, init);
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeGreaterThan(0);
    }
    for (const init of [{ anonymous: true }, bearer(keys.revoked)] as RequestInit[]) {
      const res = await request("GET", "/api/providers", undefined, init);
      expect(res.status).toBe(401);
      expect(Object.keys(res.body)).toEqual(["error"]);
    }
  });

  test("shows the caller's workspace's key by its last 4 only; another workspace's key does not see it", async () => {
    expect((await put(session(admin))).status).toBe(200);
    const own = await request("GET", "/api/providers", undefined, session(viewer));
    expect(JSON.stringify(own.body)).not.toContain(KEY.slice(0, -4));
    expect(await hunterOf(session(viewer))).toMatchObject({ keySource: "workspace", last4: "abcd" });
    const other = await hunterOf(bearer(keys.other));
    expect(other.keySource).not.toBe("workspace");
    expect(other.last4 ?? null).toBeNull();
  });
});

describe("GET /api/tables/:tableId/providers (read)", () => {
  test("a person whose active workspace is another sees the table's workspace's providers on its page", async () => {
    expect((await put(session(admin))).status).toBe(200);
    const { tableId } = await makeTable({ keys: ["email"], rows: 1, workspaceId });
    // The member also belongs to Elsewhere (no key stored there) and has it active.
    await addMember(elsewhere, member.userId, "member");
    await activate(member.userId, elsewhere);
    try {
      expect((await hunterOf(session(member))).keySource).not.toBe("workspace");
      const res = await request("GET", `/api/tables/${tableId}/providers`, undefined, session(member));
      expect(res.status).toBe(200);
      const hunter = res.body.data.find((p: { id: string }) => p.id === "hunter.email-finder");
      expect(hunter).toMatchObject({ keySource: "workspace", last4: "abcd" });
      // Another workspace's key does not see the table at all.
      expect((await request("GET", `/api/tables/${tableId}/providers`, undefined, bearer(keys.other))).status).toBe(
        404,
      );
    } finally {
      await activate(member.userId, workspaceId);
    }
  });
});

describe("PUT and DELETE /api/providers/:providerId/credentials (owners and admins, or a key with write)", () => {
  const refused: [string, () => RequestInit, number][] = [
    ["no credentials", () => ({ anonymous: true }), 401],
    ["a revoked key", () => bearer(keys.revoked), 401],
    ["a read-only key", () => bearer(keys.readOnly), 403],
    ["a viewer's session", () => session(viewer), 403],
    ["a member's session", () => session(member), 403],
    ["an admin's session without an Origin (CSRF)", () => ({ headers: { cookie: admin.cookie } }), 403],
  ];
  for (const [who, init, status] of refused) {
    test(`${who} → ${status}, nothing written`, async () => {
      expect((await put(session(owner))).status).toBe(200);
      for (const send of [put, remove]) {
        const before = await dbState();
        const stored = await getDb().providerCredential.findFirstOrThrow({ where: { workspaceId } });
        const res = await send(init());
        expect(res.status, JSON.stringify(res.body)).toBe(status);
        expect(Object.keys(res.body)).toEqual(["error"]);
        // A refusal for a role or a scope names what was refused, not "change tables".
        if (status === 403) expect(res.body.error.message).not.toMatch(/tables/);
        if (who === "a viewer's session") expect(res.body.error.message).toMatch(/provider keys/);
        expect(await dbState()).toEqual(before);
        expect(await getDb().providerCredential.findFirstOrThrow({ where: { workspaceId } })).toEqual(stored);
      }
    });
  }

  const allowed: [string, () => RequestInit][] = [
    ["an owner's session", () => session(owner)],
    ["an admin's session", () => session(admin)],
    ["a key with the write scope", () => bearer(keys.write)],
  ];
  for (const [who, init] of allowed) {
    test(`${who} stores (200) and forgets (204) the workspace's key`, async () => {
      const res = await put(init());
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ provider: "hunter", last4: "abcd" });
      expect(await storedIn(workspaceId)).toBe(1);
      expect((await remove(init())).status).toBe(204);
      expect(await storedIn(workspaceId)).toBe(0);
    });
  }

  test("another workspace's key stores in its own workspace and cannot forget this one's key", async () => {
    expect((await put(session(admin))).status).toBe(200);
    expect((await put(bearer(keys.other))).status).toBe(200);
    expect(await storedIn(elsewhere)).toBe(1);
    expect((await remove(bearer(keys.other))).status).toBe(204);
    expect((await remove(bearer(keys.other))).status).toBe(404);
    expect(await storedIn(workspaceId)).toBe(1);
    expect(await hunterOf(session(viewer))).toMatchObject({ keySource: "workspace", last4: "abcd" });
  });
});
