import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { getDb } from "@/lib/db";
import { request } from "../support/api";
import { activate, addMember, createKey, createWorkspace, signUp, type TestPerson } from "../support/auth";
import { withinOneClockMinute } from "../support/clock";
import { dbState, expectError } from "../support/db-state";

// People, sessions, workspaces, invitations and keys through the public endpoints, and the
// promise that none of their secrets is ever echoed or logged.

const ORIGIN = "http://localhost:3000";
const json = { "content-type": "application/json", origin: ORIGIN };

async function auth(path: string, body: unknown, headers: Record<string, string> = {}) {
  return request("POST", `/api/auth${path}`, body, { headers: { ...json, ...headers }, anonymous: true });
}

/** Everything written to the console while `fn` runs. */
async function captureLogs<T>(fn: () => Promise<T>): Promise<{ result: T; output: string }> {
  const lines: string[] = [];
  const spies = (["log", "info", "warn", "error", "debug"] as const).map((level) =>
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      lines.push(
        args
          .map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : typeof a === "string" ? a : JSON.stringify(a)))
          .join(" "),
      );
    }),
  );
  try {
    return { result: await fn(), output: lines.join("\n") };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

describe("sign-up, sign-in, sessions", () => {
  test("sign-up then sign-in → an HttpOnly, SameSite=Lax session cookie; the token is never in the body", async () => {
    const email = `ada-${Date.now()}@test.glaze`;
    const up = await auth("/sign-up/email", { name: "Ada", email, password: "analytical engine" });
    expect(up.status).toBe(200);
    expect(JSON.stringify(up.body)).not.toMatch(/"token"/);
    const cookie = up.headers.getSetCookie().find((c) => c.includes("session_token"));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const bad = await auth("/sign-in/email", { email, password: "wrong password" });
    expect(bad.status).toBe(401);
    expect(Object.keys(bad.body)).toEqual(["error"]);
    const ok = await auth("/sign-in/email", { email, password: "analytical engine" });
    expect(ok.status).toBe(200);
    const session = ok.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const me = await request("GET", "/api/auth/get-session", undefined, {
      headers: { cookie: session },
      anonymous: true,
    });
    expect(me.body.user.email).toBe(email);
    expect(JSON.stringify(me.body)).not.toMatch(/"token"/);
    const out = await auth("/sign-out", {}, { cookie: session });
    expect(out.status).toBe(200);
  });

  test("GLAZE_ALLOW_SIGNUP=false → 403 for strangers; an invitee signs up through their invitation", async () => {
    const owner = await signUp();
    const workspaceId = await createWorkspace(owner.userId);
    await activate(owner.userId, workspaceId);
    const invited = `invitee-${Date.now()}@test.glaze`;
    const invitation = await request(
      "POST",
      `/api/workspaces/${workspaceId}/invitations`,
      { email: invited, role: "viewer" },
      { headers: { cookie: owner.cookie, origin: ORIGIN } },
    );
    expect(invitation.status).toBe(201);
    expect(invitation.body.link).toMatch(new RegExp(`/invite/${invitation.body.id}$`));
    vi.stubEnv("GLAZE_ALLOW_SIGNUP", "false");
    try {
      const stranger = await auth("/sign-up/email", {
        name: "S",
        email: `s-${Date.now()}@test.glaze`,
        password: "12345678",
      });
      expect(stranger.status).toBe(403);
      const withWrongInvite = await auth(
        "/sign-up/email",
        { name: "S", email: `s2-${Date.now()}@test.glaze`, password: "12345678" },
        { "x-glaze-invitation": invitation.body.id },
      );
      expect(withWrongInvite.status).toBe(403);
      const invitee = await auth(
        "/sign-up/email",
        { name: "I", email: invited, password: "12345678" },
        { "x-glaze-invitation": invitation.body.id },
      );
      expect(invitee.status).toBe(200);
      const cookie = invitee.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ");
      const accepted = await request("POST", `/api/invitations/${invitation.body.id}/accept`, undefined, {
        headers: { cookie, origin: ORIGIN },
      });
      expect(accepted.status).toBe(200);
      expect(accepted.body).toEqual({ workspaceId, role: "viewer" });
    } finally {
      vi.unstubAllEnvs();
    }
  });

  test("a member who is not an owner or admin cannot read pending invitations' ids through better-auth's own endpoints", async () => {
    const owner = await signUp();
    const workspaceId = await createWorkspace(owner.userId);
    await activate(owner.userId, workspaceId);
    const viewer = await signUp();
    await addMember(workspaceId, viewer.userId, "viewer");
    await activate(viewer.userId, workspaceId);
    const invitation = await request(
      "POST",
      `/api/workspaces/${workspaceId}/invitations`,
      { email: `admin-${Date.now()}@test.glaze`, role: "admin" },
      { headers: { cookie: owner.cookie, origin: ORIGIN } },
    );
    expect(invitation.status).toBe(201);
    const asViewer = { headers: { cookie: viewer.cookie, origin: ORIGIN }, anonymous: true };
    const ours = await request("GET", `/api/workspaces/${workspaceId}/invitations`, undefined, asViewer);
    expect(ours.status).toBe(403);
    for (const path of ["list-invitations", "get-full-organization"]) {
      const res = await request(
        "GET",
        `/api/auth/organization/${path}?organizationId=${workspaceId}`,
        undefined,
        asViewer,
      );
      expect(res.status, path).toBe(404);
      expect(JSON.stringify(res.body ?? "")).not.toContain(invitation.body.id);
    }
  });

  test("better-auth's organization and API-key endpoints are closed over HTTP: 404 in the one error shape, nothing written", async () => {
    const owner = await signUp();
    const workspaceId = await createWorkspace(owner.userId);
    await activate(owner.userId, workspaceId);
    const asOwner = { headers: { cookie: owner.cookie, origin: ORIGIN }, anonymous: true };
    const before = {
      workspaces: await getDb().organization.count(),
      keys: await getDb().apikey.count(),
      name: (await getDb().organization.findUniqueOrThrow({ where: { id: workspaceId } })).name,
    };
    const attempts: [string, unknown][] = [
      ["/api/auth/organization/create", { name: "  ", slug: "x y", logo: "javascript:alert(1)" }],
      ["/api/auth/organization/update", { organizationId: workspaceId, data: { name: "", logo: "javascript:1" } }],
      ["/api/auth/organization/delete", { organizationId: workspaceId }],
      ["/api/auth/organization/check-slug", { slug: "test" }],
      ["/api/auth/organization/reject-invitation", { invitationId: randomUUID() }],
      ["/api/auth/organization/invite-member", { email: "x@test.glaze", role: "owner" }],
      ["/api/auth/api-key/list", undefined],
      ["/api/auth/api-key/delete", { keyId: randomUUID() }],
      ["/api/auth//organization/delete", { organizationId: workspaceId }],
    ];
    for (const [path, body] of attempts) {
      const res = await request("POST", path, body, asOwner);
      expect(res.status, path).toBe(404);
      expect(res.body.error.code, path).toBe("not_found");
    }
    for (const path of ["/api/auth/organization/list-members", "/api/auth/organization/list"]) {
      expect((await request("GET", path, undefined, asOwner)).status, path).toBe(404);
    }
    expect(await getDb().organization.count()).toBe(before.workspaces);
    expect(await getDb().apikey.count()).toBe(before.keys);
    expect((await getDb().organization.findUniqueOrThrow({ where: { id: workspaceId } })).name).toBe(before.name);
    // What the app's pages use still works.
    const other = await createWorkspace(owner.userId, "Second");
    const switched = await request("POST", "/api/auth/organization/set-active", { organizationId: other }, asOwner);
    expect(switched.status).toBe(200);
    expect((await request("GET", "/api/auth/get-session", undefined, asOwner)).status).toBe(200);
  });

  test("accepting an unknown invitation → 404 not_found (better-auth says 400)", async () => {
    const person = await signUp();
    const res = await request("POST", `/api/invitations/${randomUUID()}/accept`, undefined, {
      headers: { cookie: person.cookie, origin: ORIGIN },
      anonymous: true,
    });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: "not_found", details: { authCode: "INVITATION_NOT_FOUND" } });
  });

  test("an invitation is for its address only: someone else signed in → 403, nothing joined", async () => {
    const owner = await signUp();
    const workspaceId = await createWorkspace(owner.userId);
    const invitation = await request(
      "POST",
      `/api/workspaces/${workspaceId}/invitations`,
      { email: "only-me@test.glaze", role: "member" },
      { headers: { cookie: owner.cookie, origin: ORIGIN } },
    );
    const other = await signUp();
    const before = await getDb().member.count();
    const res = await request("POST", `/api/invitations/${invitation.body.id}/accept`, undefined, {
      headers: { cookie: other.cookie, origin: ORIGIN },
    });
    expect(res.status).toBe(403);
    expect(await getDb().member.count()).toBe(before);
    const described = await request("GET", `/api/invitations/${invitation.body.id}`, undefined, { anonymous: true });
    expect(described.body).toMatchObject({ email: "only-me@test.glaze", role: "member" });
  });

  test("the invitee declines (204): the invitation is gone, nothing joined; nobody else may decline it; an expired one is invited again", async () => {
    const owner = await signUp();
    const workspaceId = await createWorkspace(owner.userId);
    const asOwner = { headers: { cookie: owner.cookie, origin: ORIGIN } };
    const invitee = await signUp();
    const asInvitee = { headers: { cookie: invitee.cookie, origin: ORIGIN }, anonymous: true };
    const base = `/api/workspaces/${workspaceId}/invitations`;
    const invitation = await request("POST", base, { email: invitee.email, role: "member" }, asOwner);
    expect(invitation.status).toBe(201);
    const decline = `/api/invitations/${invitation.body.id}/decline`;
    const other = await signUp();
    const refused = await request("POST", decline, undefined, { headers: { cookie: other.cookie, origin: ORIGIN } });
    expect(refused.status).toBe(403);
    expect((await request("POST", decline, undefined, asInvitee)).status).toBe(204);
    expect((await request("GET", base, undefined, asOwner)).body.data).toEqual([]);
    expect((await request("POST", `/api/invitations/${invitation.body.id}/accept`, undefined, asInvitee)).status).toBe(
      404,
    );
    expect((await request("POST", decline, undefined, asInvitee)).status).toBe(404);
    expect(await getDb().member.count({ where: { organizationId: workspaceId, userId: invitee.userId } })).toBe(0);
    expect((await request("POST", `/api/invitations/${randomUUID()}/decline`, undefined, asInvitee)).status).toBe(404);
    expect((await request("POST", decline, undefined, { anonymous: true })).status).toBe(401);

    // Accepted and declined at the same moment: one of them, never both.
    for (let i = 0; i < 6; i++) {
      const raced = await request("POST", base, { email: invitee.email, role: "member" }, asOwner);
      const [accepted, refused] = await Promise.all([
        request("POST", `/api/invitations/${raced.body.id}/accept`, undefined, asInvitee),
        request("POST", `/api/invitations/${raced.body.id}/decline`, undefined, asInvitee),
      ]);
      const member = await getDb().member.count({ where: { organizationId: workspaceId, userId: invitee.userId } });
      expect(
        [accepted.status, refused.status].filter((s) => s < 300),
        `try ${i}`,
      ).toHaveLength(1);
      expect(member, `try ${i}`).toBe(accepted.status === 200 ? 1 : 0);
      if (member === 1)
        await getDb().member.deleteMany({ where: { organizationId: workspaceId, userId: invitee.userId } });
    }

    // Past its date, an invitation is listed expired; inviting the address again makes a new link.
    const late = await request("POST", base, { email: `late-${randomUUID()}@test.glaze`, role: "viewer" }, asOwner);
    await getDb().invitation.update({ where: { id: late.body.id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    const again = await request("POST", base, { email: late.body.email, role: "viewer" }, asOwner);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ status: "pending", role: "viewer" });
    expect(again.body.id).not.toBe(late.body.id);
    // The expired one is gone from the list: the new link replaces it.
    const listed = (await request("GET", base, undefined, asOwner)).body.data;
    expect(listed.map((i: { id: string }) => i.id)).toEqual([again.body.id]);
  });
});

describe("a person's first workspace", () => {
  test("no workspace → 409 saying so (not a 403 about a role); the workspace they create is theirs to work in at once", async () => {
    const person = await signUp();
    const asPerson = { headers: { cookie: person.cookie, origin: ORIGIN }, anonymous: true };
    for (const [method, path, body] of [
      ["GET", "/api/tables", undefined],
      ["POST", "/api/tables", { name: "Leads" }],
      ["GET", "/api/providers", undefined],
    ] as const) {
      const res = await request(method, path, body, asPerson);
      expect(res.status, `${method} ${path}`).toBe(409);
      expect(res.body.error.message).toMatch(/no workspace selected/);
    }
    const created = await request("POST", "/api/workspaces", { name: "Mine" }, asPerson);
    expect(created.status).toBe(201);
    const tables = await request("GET", "/api/tables", undefined, asPerson);
    expect(tables.status).toBe(200);
    const table = await request("POST", "/api/tables", { name: "Leads" }, asPerson);
    expect(table.status).toBe(201);
    const owned = await getDb().table.findUniqueOrThrow({
      where: { id: table.body.id },
      select: { workspaceId: true },
    });
    expect(owned.workspaceId).toBe(created.body.id);
  });
});

describe("two tabs, two workspaces", () => {
  test("a page keeps working in the workspace it shows after the person switched workspace in another tab", async () => {
    const person = await signUp();
    const first = await createWorkspace(person.userId, "First");
    const second = await createWorkspace(person.userId, "Second");
    const stranger = await createWorkspace((await signUp()).userId, "Not theirs");
    await activate(person.userId, second); // the other tab switched to Second
    const asTab = (shown?: string) => ({
      headers: { cookie: person.cookie, origin: ORIGIN, ...(shown ? { "x-glaze-workspace": shown } : {}) },
      anonymous: true,
    });
    // The tab still showing First creates and lists First's tables.
    const made = await request("POST", "/api/tables", { name: "Made in First" }, asTab(first));
    expect(made.status).toBe(201);
    const owner = await getDb().table.findUniqueOrThrow({ where: { id: made.body.id }, select: { workspaceId: true } });
    expect(owner.workspaceId).toBe(first);
    const listed = await request("GET", "/api/tables", undefined, asTab(first.toUpperCase()));
    expect(listed.body.data.map((t: { id: string }) => t.id)).toEqual([made.body.id]);
    // Without the header: the active workspace, as before.
    expect((await request("GET", "/api/tables", undefined, asTab())).body.data).toEqual([]);
    // A workspace the person is not in (or left), or none at all → 403, nothing written.
    for (const shown of [stranger, randomUUID()]) {
      const refused = await request("POST", "/api/tables", { name: "Nope" }, asTab(shown));
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toMatch(/not a member of the workspace this page shows.*reload/);
    }
    const malformed = await request("GET", "/api/tables", undefined, asTab("first"));
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/x-glaze-workspace/);
    expect(await getDb().table.count({ where: { name: "Nope" } })).toBe(0);
    // A path's workspace wins over the header.
    const members = await request("GET", `/api/workspaces/${second}/members`, undefined, asTab(first));
    expect(members.status).toBe(200);
  });

  test("an API key with the header: its own workspace is fine; another → 403, malformed → 400, nothing written", async () => {
    const person = await signUp();
    const own = await createWorkspace(person.userId, "Own");
    const other = await createWorkspace(person.userId, "Other");
    const key = await createKey(own, person.userId, ["read", "write"]);
    const asKey = (shown: string) => ({ headers: { authorization: `Bearer ${key.key}`, "x-glaze-workspace": shown } });
    expect((await request("GET", "/api/tables", undefined, asKey(own))).status).toBe(200);
    const refused = await request("POST", "/api/tables", { name: "Keyed elsewhere" }, asKey(other));
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/acts for its own workspace only/);
    expect((await request("GET", "/api/tables", undefined, asKey("nope"))).status).toBe(400);
    expect(await getDb().table.count({ where: { name: "Keyed elsewhere" } })).toBe(0);
  });
});

describe("members: roles, removal and leaving", () => {
  const asPerson = (person: { cookie: string }) => ({ headers: { cookie: person.cookie, origin: ORIGIN } });
  async function twoOwners() {
    const one = await signUp();
    const two = await signUp();
    const workspaceId = await createWorkspace(one.userId);
    await addMember(workspaceId, two.userId, "owner");
    const members = await getDb().member.findMany({ where: { organizationId: workspaceId } });
    const idOf = (userId: string) => members.find((m) => m.userId === userId)?.id as string;
    return { one, two, workspaceId, oneId: idOf(one.userId), twoId: idOf(two.userId) };
  }
  const owners = (workspaceId: string) =>
    getDb().member.count({ where: { organizationId: workspaceId, role: "owner" } });

  test("two owners demoting or removing each other at the same moment: one wins, the workspace keeps an owner", async () => {
    for (let i = 0; i < 6; i++) {
      const { one, two, workspaceId, oneId, twoId } = await twoOwners();
      const base = `/api/workspaces/${workspaceId}/members`;
      const [a, b] =
        i % 2 === 0
          ? await Promise.all([
              request("PATCH", `${base}/${twoId}`, { role: "viewer" }, asPerson(one)),
              request("PATCH", `${base}/${oneId}`, { role: "viewer" }, asPerson(two)),
            ])
          : await Promise.all([
              request("DELETE", `${base}/${twoId}`, undefined, asPerson(one)),
              request("DELETE", `${base}/${oneId}`, undefined, asPerson(two)),
            ]);
      expect(
        [a.status, b.status].filter((s) => s < 300),
        `try ${i}`,
      ).toHaveLength(1);
      expect([a.status, b.status].find((s) => s >= 300)).toBeOneOf([403, 404, 409]);
      expect(await owners(workspaceId)).toBe(1);
    }
  });

  test("anyone may leave; only owners and admins remove others; the last owner can neither leave nor be demoted", async () => {
    const { one, workspaceId, oneId } = await twoOwners();
    const member = await signUp();
    await addMember(workspaceId, member.userId, "member");
    const memberId = (await getDb().member.findFirstOrThrow({ where: { userId: member.userId } })).id;
    const base = `/api/workspaces/${workspaceId}/members`;
    expect((await request("DELETE", `${base}/${oneId}`, undefined, asPerson(member))).status).toBe(403);
    expect((await request("DELETE", `${base}/${memberId}`, undefined, asPerson(member))).status).toBe(204);
    expect(await getDb().member.count({ where: { userId: member.userId } })).toBe(0);
    // The other owner leaves; the last one then cannot.
    const other = (
      await getDb().member.findFirstOrThrow({ where: { organizationId: workspaceId, NOT: { id: oneId } } })
    ).id;
    const otherOwner = await getDb().member.findUniqueOrThrow({ where: { id: other }, include: { user: true } });
    expect(otherOwner.role).toBe("owner");
    expect((await request("DELETE", `${base}/${other}`, undefined, asPerson(one))).status).toBe(204);
    const last = await request("DELETE", `${base}/${oneId}`, undefined, asPerson(one));
    expect(last.status).toBe(409);
    expect(last.body.error.message).toMatch(/needs an owner/);
    expect((await request("PATCH", `${base}/${oneId}`, { role: "admin" }, asPerson(one))).status).toBe(409);
    expect(await owners(workspaceId)).toBe(1);
  });

  test("better-auth's own member-changing endpoints are closed: Glaze's routes serve them", async () => {
    const { one, workspaceId, twoId } = await twoOwners();
    for (const [path, body] of [
      ["/organization/update-member-role", { memberId: twoId, role: "viewer", organizationId: workspaceId }],
      ["/organization/remove-member", { memberIdOrEmail: twoId, organizationId: workspaceId }],
      ["/organization/leave", { organizationId: workspaceId }],
    ] as const) {
      const res = await auth(path, body, { cookie: one.cookie });
      expect(res.status, path).toBe(404);
    }
    expect(await owners(workspaceId)).toBe(2);
  });

  test("someone removed from their active workspace works in their other one (here one they then create), not a 409", async () => {
    const { one, workspaceId } = await twoOwners();
    const removed = await signUp();
    await addMember(workspaceId, removed.userId, "member");
    await activate(removed.userId, workspaceId);
    const memberId = (await getDb().member.findFirstOrThrow({ where: { userId: removed.userId } })).id;
    const base = `/api/workspaces/${workspaceId}/members`;
    expect((await request("DELETE", `${base}/${memberId}`, undefined, asPerson(one))).status).toBe(204);
    expect((await request("GET", "/api/tables", undefined, asPerson(removed))).status).toBe(409);
    const mine = await request("POST", "/api/workspaces", { name: "Mine" }, asPerson(removed));
    expect(mine.status).toBe(201);
    expect((await request("GET", "/api/tables", undefined, asPerson(removed))).status).toBe(200);
    const made = await request("POST", "/api/tables", { name: "Fresh start" }, asPerson(removed));
    expect(made.status).toBe(201);
    const owner = await getDb().table.findUniqueOrThrow({ where: { id: made.body.id }, select: { workspaceId: true } });
    expect(owner.workspaceId).toBe(mine.body.id);
  });
});

describe("invitations' refusals and states", () => {
  test("inviting a member → 409; an unknown role → 422; an invitation past its date is listed expired", async () => {
    const owner = await signUp();
    const member = await signUp();
    const workspaceId = await createWorkspace(owner.userId);
    await addMember(workspaceId, member.userId, "member");
    const asOwner = { headers: { cookie: owner.cookie, origin: ORIGIN } };
    const base = `/api/workspaces/${workspaceId}/invitations`;
    const again = await request("POST", base, { email: member.email, role: "admin" }, asOwner);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("conflict");
    const role = await request("POST", base, { email: `r-${randomUUID()}@test.glaze`, role: "superuser" }, asOwner);
    expect(role.status).toBe(422);
    const made = await request("POST", base, { email: `e-${randomUUID()}@test.glaze`, role: "member" }, asOwner);
    expect(made.status).toBe(201);
    expect(made.body.status).toBe("pending");
    await getDb().invitation.update({ where: { id: made.body.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const listed = await request("GET", base, undefined, asOwner);
    expect(listed.body.data.find((i: { id: string }) => i.id === made.body.id)?.status).toBe("expired");
  });
});

describe("the app opened at 127.0.0.1", () => {
  test("signing up and in with that Origin and Host works (better-auth said 'Invalid origin'); a foreign Origin is still refused", async () => {
    const email = `ip-${randomUUID()}@test.glaze`;
    // A browser sends the cookies it holds for the site (better-auth checks Origin only then).
    const at = {
      host: "127.0.0.1:3000",
      origin: "http://127.0.0.1:3000",
      cookie: "glaze_seen=1",
      "x-forwarded-for": "198.51.100.201",
    };
    expect((await auth("/sign-up/email", { name: "Ip", email, password: "over eight chars" }, at)).status).toBe(200);
    expect((await auth("/sign-in/email", { email, password: "over eight chars" }, at)).status).toBe(200);
    const foreign = await auth(
      "/sign-in/email",
      { email, password: "over eight chars" },
      { ...at, origin: "http://evil.test" },
    );
    expect(foreign.status).toBe(403);
  });
});

describe("better-auth's refusals in the product's words", () => {
  test("a password too short → 422 naming the field; inviting a member → 'workspace', not 'organization'", async () => {
    const short = await auth(
      "/sign-up/email",
      { name: "S", email: `s-${randomUUID()}@test.glaze`, password: "short" },
      { "x-forwarded-for": "198.51.100.202" },
    );
    expect(short.status).toBe(422);
    expect(short.body.error).toMatchObject({
      code: "validation_failed",
      message: "password: at least 8 characters",
      details: [{ path: "password", message: "at least 8 characters" }],
    });
    const owner = await signUp();
    const member = await signUp();
    const workspaceId = await createWorkspace(owner.userId);
    await addMember(workspaceId, member.userId, "member");
    const again = await request(
      "POST",
      `/api/workspaces/${workspaceId}/invitations`,
      { email: member.email, role: "admin" },
      { headers: { cookie: owner.cookie, origin: ORIGIN } },
    );
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/workspace/);
    expect(again.body.error.message).not.toMatch(/organization/i);
  });
});

describe("invitations to the owner role", () => {
  test("an admin neither sees nor cancels them (404): their link let an admin sign up as the invitee and become an owner", async () => {
    const owner = await signUp();
    const admin = await signUp();
    const workspaceId = await createWorkspace(owner.userId);
    await addMember(workspaceId, admin.userId, "admin");
    await activate(admin.userId, workspaceId);
    const asOwner = { headers: { cookie: owner.cookie, origin: ORIGIN } };
    const asAdmin = { headers: { cookie: admin.cookie, origin: ORIGIN } };
    const base = `/api/workspaces/${workspaceId}/invitations`;
    const toOwner = await request("POST", base, { email: `o-${randomUUID()}@test.glaze`, role: "owner" }, asOwner);
    expect(toOwner.status).toBe(201);
    const toMember = await request("POST", base, { email: `m-${randomUUID()}@test.glaze`, role: "member" }, asAdmin);
    expect(toMember.status).toBe(201);
    const seen = (await request("GET", base, undefined, asAdmin)).body.data.map((i: { id: string }) => i.id);
    expect(seen).toEqual([toMember.body.id]);
    expect(JSON.stringify((await request("GET", base, undefined, asAdmin)).body)).not.toContain(toOwner.body.id);
    const cancel = await request("DELETE", `${base}/${toOwner.body.id}`, undefined, asAdmin);
    expect(cancel.status).toBe(404);
    // Nor by inviting the same address again (a new invitation replaces the pending one).
    const ownerEmail = (await getDb().invitation.findUniqueOrThrow({ where: { id: toOwner.body.id } })).email;
    const replace = await request("POST", base, { email: ownerEmail.toUpperCase(), role: "viewer" }, asAdmin);
    expect(replace.status).toBe(409);
    expect(replace.body.error.code).toBe("conflict");
    expect((await getDb().invitation.findUniqueOrThrow({ where: { id: toOwner.body.id } })).status).toBe("pending");
    const all = (await request("GET", base, undefined, asOwner)).body.data.map((i: { id: string }) => i.id);
    expect(all.sort()).toEqual([toOwner.body.id, toMember.body.id].sort());
    expect((await request("DELETE", `${base}/${toOwner.body.id}`, undefined, asOwner)).status).toBe(204);
  });

  test("declining an invitation past its date → 404, as accepting it (it answered 204 and turned it from expired to declined)", async () => {
    const owner = await signUp();
    const invitee = await signUp();
    const workspaceId = await createWorkspace(owner.userId);
    const asOwner = { headers: { cookie: owner.cookie, origin: ORIGIN } };
    const base = `/api/workspaces/${workspaceId}/invitations`;
    const made = await request("POST", base, { email: invitee.email, role: "member" }, asOwner);
    await getDb().invitation.update({ where: { id: made.body.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const asInvitee = { headers: { cookie: invitee.cookie, origin: ORIGIN }, anonymous: true };
    const declined = await request("POST", `/api/invitations/${made.body.id}/decline`, undefined, asInvitee);
    expect(declined.status).toBe(404);
    expect(declined.body.error.code).toBe("not_found");
    const listed = await request("GET", base, undefined, asOwner);
    expect(listed.body.data.find((i: { id: string }) => i.id === made.body.id)?.status).toBe("expired");
  });
});

describe("sessions and profiles", () => {
  test("revoke-session takes a session's id from list-sessions and ends it; not the caller's → 404, nothing ended", async () => {
    const person = await signUp();
    const other = await signUp();
    const signIn = async (who: TestPerson, ip: string) => {
      const res = await auth("/sign-in/email", { email: who.email, password: who.password }, { "x-forwarded-for": ip });
      expect(res.status).toBe(200);
      return res.headers
        .getSetCookie()
        .map((c: string) => c.split(";")[0])
        .join("; ");
    };
    const laptop = await signIn(person, "192.0.2.71");
    const mine = { cookie: person.cookie, origin: ORIGIN };
    const listed = await request("GET", "/api/auth/list-sessions", undefined, { headers: mine, anonymous: true });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain('"token"');
    const sessionOf = async (cookie: string) =>
      (await request("GET", "/api/auth/get-session", undefined, { headers: { cookie }, anonymous: true })).body;
    const laptopId = (await sessionOf(laptop)).session.id;
    expect(listed.body.map((s: { id: string }) => s.id)).toContain(laptopId);
    const otherId = (await sessionOf(other.cookie)).session.id;
    const refused = await auth("/revoke-session", { id: otherId }, mine);
    expect(refused.status).toBe(404);
    expect((await sessionOf(other.cookie))?.session.id).toBe(otherId);
    expectError(await auth("/revoke-session", {}, mine), 422, "validation_failed");
    const extra = expectError(
      await auth("/revoke-session", { id: laptopId, all: true }, mine),
      422,
      "validation_failed",
    );
    expect(extra.details).toEqual([{ path: "all", message: "unknown key: give id (or token)" }]);
    expectError(await auth("/revoke-session", { token: "not-a-token" }, mine), 404, "not_found");
    const revoked = await auth("/revoke-session", { id: laptopId }, mine);
    expect(revoked.status).toBe(200);
    expect(await sessionOf(laptop)).toBeNull();
    expect((await sessionOf(person.cookie))?.session).toBeTruthy();
  });

  test("changing the password signs the person's other sessions out (unless told revokeOtherSessions: false)", async () => {
    const person = await signUp();
    const res = await auth(
      "/sign-in/email",
      { email: person.email, password: person.password },
      {
        "x-forwarded-for": "192.0.2.72",
      },
    );
    const phone = res.headers
      .getSetCookie()
      .map((c: string) => c.split(";")[0])
      .join("; ");
    const changed = await auth(
      "/change-password",
      { currentPassword: person.password, newPassword: "a brand new passphrase" },
      { cookie: person.cookie, origin: ORIGIN },
    );
    expect(changed.status).toBe(200);
    const phoneSession = await request("GET", "/api/auth/get-session", undefined, {
      headers: { cookie: phone },
      anonymous: true,
    });
    expect(phoneSession.body).toBeNull();
  });

  test("a signed-out session is refused at once by better-auth's own endpoints too", async () => {
    const person = await signUp();
    const workspaceId = await createWorkspace(person.userId);
    expect((await auth("/sign-out", {}, { cookie: person.cookie })).status).toBe(200);
    const renamed = await auth("/update-user", { name: "Late" }, { cookie: person.cookie });
    expect(renamed.status).toBe(401);
    const switched = await auth("/organization/set-active", { organizationId: workspaceId }, { cookie: person.cookie });
    expect(switched.status).toBe(401);
    expect((await getDb().user.findUniqueOrThrow({ where: { id: person.userId } })).name).not.toBe("Late");
  });

  test("a name longer than 100 characters, or a picture that is not an http(s) URL → 422, nothing stored", async () => {
    const email = `long-${randomUUID()}@test.glaze`;
    const long = await auth("/sign-up/email", { name: "n".repeat(12_000), email, password: "12345678" });
    expect(long.status).toBe(422);
    expect(long.body.error.message).toMatch(/name: at most 100 characters/);
    const script = await auth("/sign-up/email", {
      name: "S",
      email,
      password: "12345678",
      image: "javascript:alert(1)",
    });
    expect(script.status).toBe(422);
    const nul = await auth("/sign-up/email", { name: "Ada\u0000", email, password: "12345678" });
    expect(nul.status).toBe(422);
    expect(nul.body.error.message).toMatch(/name: must not contain the NUL character/);
    expect(await getDb().user.count({ where: { email } })).toBe(0);
    const person = await signUp();
    const update = await auth("/update-user", { name: "m".repeat(101) }, { cookie: person.cookie });
    expect(update.status).toBe(422);
    // Not text, or blank: 422 naming the field (a number reached the database: 500).
    for (const name of [123, null, true, ["a"], { a: 1 }, "", "   "]) {
      const refused = await auth("/update-user", { name }, { cookie: person.cookie });
      expect(refused.status, JSON.stringify(name)).toBe(422);
      expect(refused.body.error.message).toMatch(/^name: /);
    }
    expect((await auth("/update-user", { name: "Émile 🎉" }, { cookie: person.cookie })).status).toBe(200);
    const stored = await getDb().user.findUniqueOrThrow({ where: { id: person.userId } });
    expect(stored.name).toBe("Émile 🎉");
  });

  test("renaming a workspace: its owner or an admin, a name of 1 to 100 characters (422 otherwise, nothing changed)", async () => {
    const person = await signUp();
    const workspaceId = await createWorkspace(person.userId, "Short");
    const asOwner = { headers: { cookie: person.cookie, origin: ORIGIN }, anonymous: true };
    const path = `/api/workspaces/${workspaceId}`;
    for (const body of [
      { name: "M".repeat(101) },
      { name: "   " },
      { name: "a\u0000b" },
      {},
      { name: "x", slug: "y" },
    ]) {
      const res = await request("PATCH", path, body, asOwner);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
    }
    expect((await getDb().organization.findUniqueOrThrow({ where: { id: workspaceId } })).name).toBe("Short");
    const fine = await request("PATCH", path, { name: "  Renamed  " }, asOwner);
    expect(fine.status).toBe(200);
    expect(fine.body).toMatchObject({ id: workspaceId, name: "Renamed", role: "owner" });
    expect((await request("GET", path, undefined, asOwner)).body.name).toBe("Renamed");
  });
});

describe("API keys", () => {
  test("shown once at creation, listed without the key, usable, then revoked → 401", async () => {
    const owner = await signUp();
    const workspaceId = await createWorkspace(owner.userId);
    const asOwner = { headers: { cookie: owner.cookie, origin: ORIGIN } };
    const created = await request(
      "POST",
      `/api/workspaces/${workspaceId}/api-keys`,
      { name: "CRM", scopes: ["read"] },
      asOwner,
    );
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^glz_/);
    const list = await request("GET", `/api/workspaces/${workspaceId}/api-keys`, undefined, asOwner);
    expect(list.body.data).toEqual([
      expect.objectContaining({ id: created.body.id, name: "CRM", scopes: ["read"], lastUsedAt: null }),
    ]);
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    // Its start tells it apart from other keys: the prefix and 8 characters of it (it was 2).
    expect(list.body.data[0].start).toBe(created.body.key.slice(0, 12));
    const bearer = { headers: { authorization: `Bearer ${created.body.key}` } };
    expect((await request("GET", "/api/tables", undefined, bearer)).status).toBe(200);
    const revoked = await request(
      "DELETE",
      `/api/workspaces/${workspaceId}/api-keys/${created.body.id}`,
      undefined,
      asOwner,
    );
    expect(revoked.status).toBe(204);
    expect((await request("GET", "/api/tables", undefined, bearer)).status).toBe(401);
  });

  test("a key says who made it and whether it expired; it is revoked when its maker leaves or stops administering", async () => {
    const owner = await signUp();
    const admin = await signUp();
    const workspaceId = await createWorkspace(owner.userId);
    await addMember(workspaceId, admin.userId, "admin");
    const as = (person: { cookie: string }) => ({
      headers: { cookie: person.cookie, origin: ORIGIN },
      anonymous: true,
    });
    const makeKey = async (person: { cookie: string }, name: string) => {
      const res = await request(
        "POST",
        `/api/workspaces/${workspaceId}/api-keys`,
        { name, scopes: ["read"] },
        as(person),
      );
      expect(res.status).toBe(201);
      return res.body as { id: string; key: string };
    };
    const works = async (key: string) =>
      (await request("GET", "/api/tables", undefined, { headers: { authorization: `Bearer ${key}` } })).status === 200;
    const adminKey = await makeKey(admin, "admin's CRM sync");
    const ownerKey = await makeKey(owner, "owner's");
    await getDb().apikey.update({ where: { id: ownerKey.id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    const listed = (await request("GET", `/api/workspaces/${workspaceId}/api-keys`, undefined, as(owner))).body.data;
    expect(listed.find((k: { id: string }) => k.id === adminKey.id)).toMatchObject({
      createdBy: { userId: admin.userId, email: admin.email },
      expired: false,
    });
    expect(listed.find((k: { id: string }) => k.id === ownerKey.id)).toMatchObject({ expired: true });

    const memberId = (
      await getDb().member.findFirstOrThrow({ where: { userId: admin.userId, organizationId: workspaceId } })
    ).id;
    const base = `/api/workspaces/${workspaceId}/members/${memberId}`;
    // Owner and admin both administer: their keys stay.
    expect((await request("PATCH", base, { role: "owner" }, as(owner))).body.revokedApiKeys).toBe(0);
    expect((await request("PATCH", base, { role: "admin" }, as(owner))).body.revokedApiKeys).toBe(0);
    expect(await works(adminKey.key)).toBe(true);
    // A member may not make keys: those they made go with the role.
    const demoted = await request("PATCH", base, { role: "member" }, as(owner));
    expect(demoted.body).toMatchObject({ role: "member", revokedApiKeys: 1 });
    expect(await works(adminKey.key)).toBe(false);
    // Made admin again, they make another; removed, it goes too.
    await request("PATCH", base, { role: "admin" }, as(owner));
    const again = await makeKey(admin, "again");
    expect((await request("DELETE", base, undefined, as(owner))).status).toBe(204);
    expect(await works(again.key)).toBe(false);
    expect(await getDb().apikey.count({ where: { referenceId: workspaceId, createdByUserId: admin.userId } })).toBe(0);
  });

  test("keys made while their maker is being removed or demoted do not outlive it (racing)", async () => {
    const owner = await signUp();
    const workspaceId = await createWorkspace(owner.userId);
    const as = (person: { cookie: string }) => ({
      headers: { cookie: person.cookie, origin: ORIGIN },
      anonymous: true,
    });
    for (const change of ["demote", "remove"] as const) {
      const admin = await signUp();
      await addMember(workspaceId, admin.userId, "admin");
      const memberId = (
        await getDb().member.findFirstOrThrow({ where: { userId: admin.userId, organizationId: workspaceId } })
      ).id;
      const base = `/api/workspaces/${workspaceId}/members/${memberId}`;
      const makes = Array.from({ length: 12 }, (_, i) =>
        request("POST", `/api/workspaces/${workspaceId}/api-keys`, { name: `race ${i}`, scopes: ["read"] }, as(admin)),
      );
      const changed =
        change === "demote"
          ? request("PATCH", base, { role: "member" }, as(owner))
          : request("DELETE", base, undefined, as(owner));
      const [made, done] = await Promise.all([Promise.all(makes), changed]);
      expect(done.status).toBeLessThan(300);
      // Each key creation either came before the change (and was revoked with it) or after (403).
      for (const res of made) expect([201, 403], JSON.stringify(res.body)).toContain(res.status);
      for (const res of made.filter((r) => r.status === 201)) {
        const used = await request("GET", "/api/tables", undefined, {
          headers: { authorization: `Bearer ${res.body.key}` },
        });
        expect(used.status, `${change}: ${res.body.name}`).toBe(401);
      }
      expect(await getDb().apikey.count({ where: { referenceId: workspaceId, name: { startsWith: "race" } } })).toBe(0);
    }
  });

  test("write and enrich include read: such a key reads what it may change, and is listed with read", async () => {
    const owner = await signUp();
    const workspaceId = await createWorkspace(owner.userId);
    const asOwner = { headers: { cookie: owner.cookie, origin: ORIGIN } };
    const created = await request(
      "POST",
      `/api/workspaces/${workspaceId}/api-keys`,
      { name: "Writer", scopes: ["write"] },
      asOwner,
    );
    expect(created.status).toBe(201);
    expect(created.body.scopes).toEqual(["read", "write"]);
    // A key stored before the rule, with "enrich" alone, reads as well.
    const older = await createKey(workspaceId, owner.userId, ["enrich"]);
    const list = await request("GET", `/api/workspaces/${workspaceId}/api-keys`, undefined, asOwner);
    expect(list.body.data.map((k: { scopes: string[] }) => k.scopes)).toEqual([
      ["read", "enrich"],
      ["read", "write"],
    ]);
    for (const key of [created.body.key, older.key]) {
      const res = await request("GET", "/api/tables", undefined, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status).toBe(200);
    }
    // Still no more than that: the enrich key cannot write.
    const table = await request(
      "POST",
      "/api/tables",
      { name: "x" },
      { headers: { authorization: `Bearer ${older.key}` } },
    );
    expect(table.status).toBe(403);
  });

  test("bad key requests → 422 naming the field, nothing created", async () => {
    const owner = await signUp();
    const workspaceId = await createWorkspace(owner.userId);
    const asOwner = { headers: { cookie: owner.cookie, origin: ORIGIN } };
    const before = await getDb().apikey.count();
    for (const body of [
      { name: "x", scopes: [] },
      { name: "x", scopes: ["admin"] },
      { name: "", scopes: ["read"] },
      { scopes: ["read"] },
    ]) {
      const res = await request("POST", `/api/workspaces/${workspaceId}/api-keys`, body, asOwner);
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
    expect(await getDb().apikey.count()).toBe(before);
  });

  test("a malformed Authorization header → 401 that names the expected form", async () => {
    const res = await request("GET", "/api/tables", undefined, { headers: { authorization: "Basic abc" } });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toContain("Bearer");
  });
});

describe("abuse limits", () => {
  beforeEach(() => vi.stubEnv("GLAZE_API_RATE_LIMIT_PER_MINUTE", "3"));
  afterEach(() => vi.unstubAllEnvs());

  test("more requests per minute than a key's limit → 429 with Retry-After; other keys unaffected", async () => {
    const owner = await signUp();
    const workspaceId = await createWorkspace(owner.userId);
    const a = await createKey(workspaceId, owner.userId, ["read"]);
    const b = await createKey(workspaceId, owner.userId, ["read"]);
    const call = (key: string) =>
      request("GET", "/api/tables", undefined, { headers: { authorization: `Bearer ${key}` } });
    expect([(await call(a.key)).status, (await call(a.key)).status, (await call(a.key)).status]).toEqual([
      200, 200, 200,
    ]);
    const limited = await call(a.key);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await call(b.key)).status).toBe(200);
  });

  test("concurrent requests of one key are each counted once, over the rows of several connections", async () => {
    vi.stubEnv("GLAZE_API_RATE_LIMIT_PER_MINUTE", "1000");
    const owner = await signUp();
    const workspaceId = await createWorkspace(owner.userId);
    const a = await createKey(workspaceId, owner.userId, ["read"]);
    const call = () => request("GET", "/api/tables", undefined, { headers: { authorization: `Bearer ${a.key}` } });
    await withinOneClockMinute();
    const statuses = await Promise.all(Array.from({ length: 24 }, call));
    expect(statuses.every((r) => r.status === 200)).toBe(true);
    const windows = await getDb().$queryRaw<{ rows: number; total: number }[]>`
      SELECT count(*)::int AS rows, sum(count)::int AS total FROM api_rate_windows WHERE key_id = ${a.id}`;
    // Each Postgres backend counts into a row of its own (no queue on one row lock) …
    expect(windows[0].total).toBe(24);
    expect(windows[0].rows).toBeGreaterThan(1);
    // … and the limit is taken over all of them.
    vi.stubEnv("GLAZE_API_RATE_LIMIT_PER_MINUTE", "25");
    expect((await call()).status).toBe(200);
    const limited = await call();
    expect(limited.status).toBe(429);
  });

  test("a key's last use is recorded to the minute, without a write on every request", async () => {
    vi.stubEnv("GLAZE_API_RATE_LIMIT_PER_MINUTE", "1000");
    const owner = await signUp();
    const workspaceId = await createWorkspace(owner.userId);
    const a = await createKey(workspaceId, owner.userId, ["read"]);
    const lastRequest = async () =>
      (await getDb().apikey.findUniqueOrThrow({ where: { id: a.id }, select: { lastRequest: true } })).lastRequest;
    expect(await lastRequest()).toBeNull();
    const call = () => request("GET", "/api/tables", undefined, { headers: { authorization: `Bearer ${a.key}` } });
    expect((await call()).status).toBe(200);
    await vi.waitFor(async () => expect(await lastRequest()).not.toBeNull());
    const first = await lastRequest();
    for (let i = 0; i < 5; i++) expect((await call()).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(await lastRequest()).toEqual(first);
  });

  test("repeated sign-in attempts from one address → 429 with Retry-After, shared through Postgres", async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof auth>> | undefined;
    for (let i = 0; i < 12; i++) {
      last = await auth(
        "/sign-in/email",
        { email: "nobody@test.glaze", password: "wrong password" },
        { "x-forwarded-for": "203.0.113.9" },
      );
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect(Number(last?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await getDb().rateLimit.count()).toBeGreaterThan(0);
  });
});

describe("failed sign-ins per account", () => {
  const from = (i: number) => ({ "x-forwarded-for": `198.51.100.${i + 1}` });

  test("10 wrong passwords from 10 addresses → the account refuses sign-in (429, even the right password) until its window ends; other accounts are not affected", async () => {
    const email = `guessed-${Date.now()}@test.glaze`;
    const password = "the right password";
    expect((await auth("/sign-up/email", { name: "G", email, password })).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push((await auth("/sign-in/email", { email, password: `guess ${i}` }, from(i))).status);
    }
    expect(statuses).toEqual(Array(10).fill(401));
    // Another address, the email in other case, and the right password: refused all the same.
    const refused = await auth("/sign-in/email", { email: email.toUpperCase(), password }, from(50));
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("too_many_requests");
    expect(refused.body.error.message).toMatch(/Too many failed sign-ins to this account/);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(800);
    expect(refused.headers.getSetCookie()).toEqual([]);

    const other = `other-${Date.now()}@test.glaze`;
    expect((await auth("/sign-up/email", { name: "O", email: other, password }, from(60))).status).toBe(200);
    expect((await auth("/sign-in/email", { email: other, password }, from(61))).status).toBe(200);

    // The window over, the right password signs in and the failures are forgotten.
    await getDb()
      .$executeRaw`UPDATE sign_in_failures SET window_started_at = now() - interval '16 minutes' WHERE email = ${email}`;
    expect((await auth("/sign-in/email", { email, password }, from(70))).status).toBe(200);
    expect(await getDb().signInFailure.count({ where: { email } })).toBe(0);
  });

  test("a successful sign-in forgets the failures before it", async () => {
    const email = `forgetful-${Date.now()}@test.glaze`;
    const password = "the right password";
    await auth("/sign-up/email", { name: "F", email, password }, from(80));
    for (let i = 0; i < 3; i++) await auth("/sign-in/email", { email, password: "wrong" }, from(81 + i));
    expect((await getDb().signInFailure.findUniqueOrThrow({ where: { email } })).failures).toBe(3);
    expect((await auth("/sign-in/email", { email, password }, from(90))).status).toBe(200);
    expect(await getDb().signInFailure.count({ where: { email } })).toBe(0);
  });

  test("40 wrong passwords at once from 40 addresses: 10 are checked, 30 refused (429)", async () => {
    const email = `raced-${Date.now()}@test.glaze`;
    await auth("/sign-up/email", { name: "R", email, password: "the right password" }, from(110));
    const statuses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        auth("/sign-in/email", { email, password: `guess ${i}` }, from(120 + i)).then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
  });

  test("a sign-in as a form, or any better-auth body that is not JSON → 415, nothing counted or signed in; NUL in the email → 422", async () => {
    const email = `formed-${Date.now()}@test.glaze`;
    const password = "the right password";
    await auth("/sign-up/email", { name: "F", email, password }, from(170));
    for (const path of ["/sign-in/email", "/sign-up/email"]) {
      const res = await request("POST", `/api/auth${path}`, undefined, {
        raw: new URLSearchParams({ email, password, name: "F" }).toString(),
        headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN, ...from(171) },
        anonymous: true,
      });
      expect(res.status, path).toBe(415);
      expect(res.body.error.code, path).toBe("unsupported_media_type");
      expect(res.headers.getSetCookie(), path).toEqual([]);
    }
    expect(await getDb().signInFailure.count({ where: { email } })).toBe(0);
    const nul = await auth("/sign-in/email", { email: `${email}\u0000`, password }, from(172));
    expect(nul.status).toBe(422);
    expect(nul.body.error.details).toEqual([{ path: "email", message: expect.stringMatching(/NUL/) }]);
  });

  test("malformed JSON on better-auth's endpoints → 400 invalid_json, as on every route", async () => {
    for (const path of ["/sign-in/email", "/sign-up/email"]) {
      const res = await request("POST", `/api/auth${path}`, undefined, {
        raw: "{bad",
        headers: { ...json, ...from(101) },
        anonymous: true,
      });
      expect(res.status, path).toBe(400);
      expect(res.body.error.code, path).toBe("invalid_json");
    }
  });

  test("a sign-in body over 64 KB → 413 before it is read in full", async () => {
    const res = await auth("/sign-in/email", { email: "big@test.glaze", password: "x".repeat(70_000) }, from(100));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
  });
});

describe("secrets stay secret", () => {
  test("passwords, API keys and session tokens appear in no response and no log line", async () => {
    const password = `pw-${Date.now()}-secret`;
    const { result, output } = await captureLogs(async () => {
      const email = `secret-${Date.now()}@test.glaze`;
      const up = await auth("/sign-up/email", { name: "S", email, password });
      const cookie = up.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ");
      const token = cookie.split("=")[1]?.split(".")[0] ?? "";
      await auth("/sign-in/email", { email, password: `${password}-wrong` });
      const workspace = await request(
        "POST",
        "/api/workspaces",
        { name: "Secret" },
        { headers: { cookie, origin: ORIGIN } },
      );
      const key = await request(
        "POST",
        `/api/workspaces/${workspace.body.id}/api-keys`,
        { name: "k", scopes: ["read"] },
        { headers: { cookie, origin: ORIGIN } },
      );
      await request("GET", "/api/tables", undefined, { headers: { authorization: `Bearer ${key.body.key}x` } });
      const responses = [up, workspace].map((r) => JSON.stringify(r.body)).join("\n");
      return { token, key: key.body.key as string, responses };
    });
    expect(result.token.length).toBeGreaterThan(10);
    for (const secret of [password, result.key, result.token]) {
      expect(output).not.toContain(secret);
      expect(result.responses).not.toContain(secret);
    }
    const state = JSON.stringify(await dbState(), (_k, v) => (typeof v === "bigint" ? String(v) : v));
    expect(state).not.toContain(result.key);
  });
});
