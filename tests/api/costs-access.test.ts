import "../support/no-orchestrator";
import { beforeAll, describe, expect, test } from "vitest";
import { getDb } from "@/lib/db";
import { type RequestInit, request } from "../support/api";
import { activate, addMember, createKey, createWorkspace, signUp, type TestPerson } from "../support/auth";
import { dbState } from "../support/db-state";

// Who may read and change what a workspace spends. Reading prices, limits, the budget and
// usage is reading; changing prices, limits or the budget is spending control: an owner or
// admin (signed in), or a key with the write scope. A key of another workspace acts in its
// own workspace: it never sees nor changes this one's settings or usage.

const ORIGIN = "http://localhost:3000";
let owner: TestPerson;
let member: TestPerson;
let viewer: TestPerson;
let workspaceId: string;
const keys = { write: "", readOnly: "", revoked: "", other: "" };

beforeAll(async () => {
  [owner, member, viewer] = await Promise.all([signUp(), signUp(), signUp()]);
  workspaceId = await createWorkspace(owner.userId, "Acme");
  await addMember(workspaceId, member.userId, "member");
  await addMember(workspaceId, viewer.userId, "viewer");
  for (const person of [owner, member, viewer]) await activate(person.userId, workspaceId);
  keys.write = (await createKey(workspaceId, owner.userId, ["read", "write"])).key;
  keys.readOnly = (await createKey(workspaceId, owner.userId, ["read"])).key;
  const revoked = await createKey(workspaceId, owner.userId, ["read", "write", "enrich"]);
  await getDb().apikey.delete({ where: { id: revoked.id } });
  keys.revoked = revoked.key;
  const stranger = await signUp();
  const elsewhere = await createWorkspace(stranger.userId, "Elsewhere");
  keys.other = (await createKey(elsewhere, stranger.userId, ["read", "write", "enrich"])).key;
});

const bearer = (key: string): RequestInit => ({ headers: { authorization: `Bearer ${key}` } });
const session = (person: TestPerson): RequestInit => ({ headers: { cookie: person.cookie, origin: ORIGIN } });

type Write = { path: string; body: unknown };
const WRITES: Write[] = [
  { path: "/api/workspace/prices", body: { prices: { "hunter.email-finder": { creditsPerFound: 2 } } } },
  { path: "/api/workspace/provider-limits", body: { cacheTtlDays: { "pdl.person": 1 } } },
  { path: "/api/workspace/budget", body: { monthlyCredits: 500 } },
];
const READS = [
  "/api/workspace/prices",
  "/api/workspace/provider-limits",
  "/api/workspace/budget",
  "/api/usage?groupBy=day",
];

describe("costs routes refuse whoever may not call them, and write nothing", () => {
  const refused: [string, () => RequestInit, number, "all" | "writes"][] = [
    ["no credentials", () => ({ anonymous: true }), 401, "all"],
    ["a revoked key", () => bearer(keys.revoked), 401, "all"],
    ["a read-only key", () => bearer(keys.readOnly), 403, "writes"],
    ["a viewer's session", () => session(viewer), 403, "writes"],
    ["a member's session (not an admin)", () => session(member), 403, "writes"],
    ["an owner's session without an Origin (CSRF)", () => ({ headers: { cookie: owner.cookie } }), 403, "writes"],
  ];
  for (const [who, init, status, scope] of refused) {
    test(`${who} → ${status}${scope === "writes" ? " on writes; reads answer 200" : ""}`, async () => {
      for (const write of WRITES) {
        const before = await dbState();
        const res = await request("PUT", write.path, write.body, init());
        expect(res.status, `${write.path}: ${JSON.stringify(res.body)}`).toBe(status);
        expect(Object.keys(res.body)).toEqual(["error"]);
        expect(await dbState()).toEqual(before);
      }
      for (const path of READS) {
        const res = await request("GET", path, undefined, init());
        expect(res.status, path).toBe(scope === "all" ? status : 200);
      }
    });
  }

  test("an owner's session and a key with the write scope change the workspace's settings (200)", async () => {
    for (const init of [session(owner), bearer(keys.write)]) {
      for (const write of WRITES) expect((await request("PUT", write.path, write.body, init)).status).toBe(200);
    }
    const settings = await getDb().workspaceCostSettings.findUniqueOrThrow({ where: { workspaceId } });
    expect(settings.monthlyCredits).toBe(500);
  });

  test("a key of another workspace sees and changes only its own workspace's settings and usage", async () => {
    await request("PUT", "/api/workspace/budget", { monthlyCredits: 321 }, session(owner));
    const theirs = await request("GET", "/api/workspace/budget", undefined, bearer(keys.other));
    expect(theirs.status).toBe(200);
    expect(theirs.body.monthlyCredits).toBeNull();
    expect((await request("PUT", "/api/workspace/budget", { monthlyCredits: 1 }, bearer(keys.other))).status).toBe(200);
    const ours = await request("GET", "/api/workspace/budget", undefined, session(viewer));
    expect(ours.body.monthlyCredits).toBe(321);
    const usage = await request("GET", "/api/usage", undefined, bearer(keys.other));
    expect(usage.body.data).toEqual([]);
  });
});
