import "../support/no-orchestrator";
import { beforeAll, describe, expect, test } from "vitest";
import { getDb } from "@/lib/db";
import { createEnrichmentJob } from "@/lib/enrichment/create-job";
import { deleteRows } from "@/lib/rows/rows";
import { createView } from "@/lib/views/views";
import { type RequestInit, request } from "../support/api";
import { activate, addMember, createKey, createWorkspace, signUp, type TestPerson } from "../support/auth";
import { dbState, withoutWrites } from "../support/db-state";
import { makeTable } from "../support/fixtures";
import { TEST_SECRET_KEY } from "../support/replicas";

// Who may do what, route by route. Six kinds of caller against every table route: no
// credentials, a revoked key, a key of another workspace, a key with only the read scope, a
// viewer's session and a member's session. Each gets exactly the expected status, and a
// refused request writes nothing. Session-only routes (a person's own preferences) refuse
// every API key with a 403, whatever its scopes.

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
type Need = "read" | "write" | "enrich";
type Ids = { tableId: string; columnId: string; rowId: string; jobId: string; viewId: string; deletion: string };
type Route = {
  method: Method;
  path: (ids: Ids) => string;
  need: Need;
  /** Sessions only: API keys act for no person. */
  session?: true;
  body?: (ids: Ids) => unknown;
  raw?: string;
};

const ORIGIN = "http://localhost:3000";

const ROUTES: Route[] = [
  { method: "GET", path: (i) => `/api/tables/${i.tableId}`, need: "read" },
  { method: "PATCH", path: (i) => `/api/tables/${i.tableId}`, need: "write", body: () => ({ name: "Renamed" }) },
  { method: "DELETE", path: (i) => `/api/tables/${i.tableId}`, need: "write" },
  { method: "GET", path: (i) => `/api/tables/${i.tableId}/columns`, need: "read" },
  {
    method: "POST",
    path: (i) => `/api/tables/${i.tableId}/columns`,
    need: "write",
    body: () => ({ key: "phone", label: "Phone" }),
  },
  {
    method: "PATCH",
    path: (i) => `/api/tables/${i.tableId}/columns/${i.columnId}`,
    need: "write",
    body: () => ({ label: "Mail" }),
  },
  { method: "DELETE", path: (i) => `/api/tables/${i.tableId}/columns/${i.columnId}`, need: "write" },
  { method: "GET", path: (i) => `/api/tables/${i.tableId}/rows`, need: "read" },
  {
    method: "GET",
    path: (i) =>
      `/api/tables/${i.tableId}/rows?q=a&sort=name:desc&filter=${encodeURIComponent(JSON.stringify({ column: "email", op: "is_empty" }))}`,
    need: "read",
  },
  {
    method: "POST",
    path: (i) => `/api/tables/${i.tableId}/rows`,
    need: "write",
    body: () => ({ rows: [{ data: {} }] }),
  },
  {
    method: "PATCH",
    path: (i) => `/api/tables/${i.tableId}/rows`,
    need: "write",
    body: (i) => ({ rows: [{ id: i.rowId, data: { name: "x" } }] }),
  },
  { method: "DELETE", path: (i) => `/api/tables/${i.tableId}/rows`, need: "write", body: (i) => ({ ids: [i.rowId] }) },
  {
    method: "POST",
    path: (i) => `/api/tables/${i.tableId}/rows/restore`,
    need: "write",
    body: (i) => ({ deletion: i.deletion }),
  },
  { method: "GET", path: (i) => `/api/tables/${i.tableId}/rows/${i.rowId}`, need: "read" },
  {
    method: "PATCH",
    path: (i) => `/api/tables/${i.tableId}/rows/${i.rowId}`,
    need: "write",
    body: () => ({ data: { name: "y" } }),
  },
  { method: "DELETE", path: (i) => `/api/tables/${i.tableId}/rows/${i.rowId}`, need: "write" },
  {
    method: "POST",
    path: (i) => `/api/tables/${i.tableId}/enrich`,
    need: "enrich",
    body: (i) => ({ columnIds: [i.columnId] }),
  },
  {
    method: "POST",
    path: (i) => `/api/tables/${i.tableId}/enrich`,
    need: "enrich",
    body: (i) => ({ columnIds: [i.columnId], rowFilter: { column: "name", op: "is_not_empty" } }),
  },
  {
    method: "POST",
    path: (i) => `/api/tables/${i.tableId}/enrich/estimate`,
    need: "read",
    body: (i) => ({ columnIds: [i.columnId], maxCredits: 10 }),
  },
  { method: "GET", path: (i) => `/api/tables/${i.tableId}/enrich/jobs`, need: "read" },
  { method: "GET", path: (i) => `/api/tables/${i.tableId}/enrich/jobs/${i.jobId}`, need: "read" },
  { method: "GET", path: (i) => `/api/tables/${i.tableId}/enrich/jobs/${i.jobId}/tasks`, need: "read" },
  { method: "POST", path: (i) => `/api/tables/${i.tableId}/enrich/jobs/${i.jobId}/cancel`, need: "enrich" },
  { method: "GET", path: (i) => `/api/tables/${i.tableId}/enrich/jobs/${i.jobId}/retry`, need: "read" },
  { method: "POST", path: (i) => `/api/tables/${i.tableId}/enrich/jobs/${i.jobId}/retry`, need: "enrich" },
  { method: "POST", path: (i) => `/api/tables/${i.tableId}/enrich/jobs/${i.jobId}/dispatch`, need: "enrich" },
  { method: "GET", path: (i) => `/api/tables/${i.tableId}/views`, need: "read" },
  {
    method: "POST",
    path: (i) => `/api/tables/${i.tableId}/views`,
    need: "write",
    body: () => ({ name: "Unenriched", filter: { column: "email", op: "is_empty" } }),
  },
  { method: "GET", path: (i) => `/api/tables/${i.tableId}/views/${i.viewId}`, need: "read" },
  {
    method: "PATCH",
    path: (i) => `/api/tables/${i.tableId}/views/${i.viewId}`,
    need: "write",
    body: () => ({ name: "Renamed view", columnWidths: { name: 240 } }),
  },
  { method: "GET", path: (i) => `/api/tables/${i.tableId}/views/last`, need: "read", session: true },
  {
    method: "PUT",
    path: (i) => `/api/tables/${i.tableId}/views/last`,
    need: "read",
    session: true,
    body: (i) => ({ viewId: i.viewId }),
  },
  { method: "DELETE", path: (i) => `/api/tables/${i.tableId}/views/${i.viewId}`, need: "write" },
  { method: "GET", path: (i) => `/api/tables/${i.tableId}/cells/status`, need: "read" },
  { method: "GET", path: (i) => `/api/tables/${i.tableId}/providers`, need: "read" },
  { method: "GET", path: (i) => `/api/tables/${i.tableId}/rows/${i.rowId}/cells/${i.columnId}`, need: "read" },
  // Event streams: the helper cancels a granted stream as soon as its headers arrive.
  { method: "GET", path: (i) => `/api/tables/${i.tableId}/events`, need: "read" },
  { method: "GET", path: (i) => `/api/tables/${i.tableId}/enrich/jobs/${i.jobId}/events`, need: "read" },
  { method: "GET", path: (i) => `/api/tables/${i.tableId}/export`, need: "read" },
  { method: "POST", path: (i) => `/api/tables/${i.tableId}/import`, need: "write", raw: "name\r\nAda\r\n" },
];

let owner: TestPerson;
let member: TestPerson;
let viewer: TestPerson;
let workspaceId: string;
const keys: Record<"all" | "readOnly" | "revoked" | "other", string> = {
  all: "",
  readOnly: "",
  revoked: "",
  other: "",
};

async function fixture(): Promise<Ids> {
  const t = await makeTable({ keys: ["name", "email"], rows: 3, workspaceId });
  const { deletion } = await deleteRows({ tableId: t.tableId, input: { ids: [t.rowIds[2]] } });
  const job = await createEnrichmentJob({
    tableId: t.tableId,
    source: { mode: "grid", columnIds: [t.columns.email], rowIds: "all" },
  });
  const view = await createView({
    tableId: t.tableId,
    input: { name: "Everyone", filter: null, sort: [], hiddenColumns: [], columnWidths: {} },
  });
  return {
    tableId: t.tableId,
    columnId: t.columns.email,
    rowId: t.rowIds[0],
    jobId: job.jobId,
    viewId: view.id,
    deletion: deletion ?? "",
  };
}

beforeAll(async () => {
  owner = await signUp();
  member = await signUp();
  viewer = await signUp();
  workspaceId = await createWorkspace(owner.userId, "Acme");
  await addMember(workspaceId, member.userId, "member");
  await addMember(workspaceId, viewer.userId, "viewer");
  for (const person of [owner, member, viewer]) await activate(person.userId, workspaceId);
  keys.all = (await createKey(workspaceId, owner.userId, ["read", "write", "enrich"])).key;
  keys.readOnly = (await createKey(workspaceId, owner.userId, ["read"])).key;
  const revoked = await createKey(workspaceId, owner.userId, ["read", "write", "enrich"]);
  await getDb().apikey.delete({ where: { id: revoked.id } });
  keys.revoked = revoked.key;
  const stranger = await signUp();
  const elsewhere = await createWorkspace(stranger.userId, "Elsewhere");
  keys.other = (await createKey(elsewhere, stranger.userId, ["read", "write", "enrich"])).key;
});

type Caller = { name: string; init: () => RequestInit; expect: (route: Route) => number };

const CALLERS: Caller[] = [
  { name: "no credentials", init: () => ({ anonymous: true }), expect: () => 401 },
  { name: "a revoked key", init: () => ({ headers: { authorization: `Bearer ${keys.revoked}` } }), expect: () => 401 },
  {
    name: "a key of another workspace",
    init: () => ({ headers: { authorization: `Bearer ${keys.other}` } }),
    expect: () => 404,
  },
  {
    name: "a key with only the read scope",
    init: () => ({ headers: { authorization: `Bearer ${keys.readOnly}` } }),
    expect: ({ need, session }) => (need === "read" && !session ? 200 : 403),
  },
  {
    name: "a viewer's session",
    init: () => ({ headers: { cookie: viewer.cookie, origin: ORIGIN } }),
    expect: ({ need }) => (need === "read" ? 200 : 403),
  },
];

async function send(route: Route, ids: Ids, init: RequestInit) {
  const body = route.body?.(ids);
  const headers = route.raw ? { "content-type": "text/csv", ...init.headers } : init.headers;
  return request(route.method, route.path(ids), body, { ...init, headers, raw: route.raw });
}

describe("every table route refuses whoever may not call it, and writes nothing", () => {
  for (const caller of CALLERS) {
    test(`${caller.name}`, async () => {
      const ids = await fixture();
      for (const route of ROUTES) {
        const expected = caller.expect(route);
        const before = await dbState();
        const res = await send(route, ids, caller.init());
        const what = `${caller.name}: ${route.method} ${route.path(ids)}`;
        if (expected === 200) {
          expect(res.status, what).toBeLessThan(300);
        } else {
          expect(res.status, `${what} → ${JSON.stringify(res.body)}`).toBe(expected);
          expect(Object.keys(res.body), what).toEqual(["error"]);
          expect(await dbState(), `${what} wrote something`).toEqual(before);
        }
      }
    }, 120_000);
  }

  test("a member's session may do everything a table route offers (each on a fresh table)", async () => {
    for (const route of ROUTES) {
      const ids = await fixture();
      const res = await send(route, ids, { headers: { cookie: member.cookie, origin: ORIGIN } });
      const what = `${route.method} ${route.path(ids)} → ${JSON.stringify(res.body)}`;
      // Allowed: it may still be refused for what it asks (a retry with nothing to retry is a 409).
      expect([401, 403, 404], what).not.toContain(res.status);
      expect(res.status, what).toBeLessThan(500);
    }
  }, 120_000);

  test("a key with every scope → 403 on the session-only routes, nothing written", async () => {
    const ids = await fixture();
    for (const route of ROUTES.filter((r) => r.session)) {
      const before = await dbState();
      const res = await send(route, ids, { headers: { authorization: `Bearer ${keys.all}` } });
      expect(res.status, `${route.method} ${route.path(ids)}`).toBe(403);
      expect(await dbState()).toEqual(before);
    }
  });

  test("a signed-in write without an Origin header → 403 (CSRF), nothing written", async () => {
    const ids = await fixture();
    for (const route of ROUTES.filter((r) => r.method !== "GET")) {
      const before = await dbState();
      const res = await send(route, ids, { headers: { cookie: member.cookie } });
      expect(res.status, `${route.method} ${route.path(ids)}`).toBe(403);
      expect(await dbState()).toEqual(before);
    }
  }, 120_000);
});

describe("workspace-level routes", () => {
  test("GET /api/tables lists only the caller's workspace; no credentials → 401", async () => {
    const ids = await fixture();
    const own = await request("GET", "/api/tables", undefined, { headers: { authorization: `Bearer ${keys.all}` } });
    expect(own.body.data.map((t: { id: string }) => t.id)).toContain(ids.tableId);
    const other = await request("GET", "/api/tables", undefined, {
      headers: { authorization: `Bearer ${keys.other}` },
    });
    expect(other.body.data.map((t: { id: string }) => t.id)).not.toContain(ids.tableId);
    expect((await request("GET", "/api/tables", undefined, { anonymous: true })).status).toBe(401);
  });

  test("POST /api/tables and the CSV import create in the caller's workspace; a viewer or a read key → 403", async () => {
    const viewerCreate = await request(
      "POST",
      "/api/tables",
      { name: "V" },
      { headers: { cookie: viewer.cookie, origin: ORIGIN } },
    );
    expect(viewerCreate.status).toBe(403);
    const readCreate = await request(
      "POST",
      "/api/tables",
      { name: "R" },
      { headers: { authorization: `Bearer ${keys.readOnly}` } },
    );
    expect(readCreate.status).toBe(403);
    const created = await request(
      "POST",
      "/api/tables",
      { name: "K" },
      { headers: { authorization: `Bearer ${keys.all}` } },
    );
    expect(created.status).toBe(201);
    expect((await getDb().table.findUniqueOrThrow({ where: { id: created.body.id } })).workspaceId).toBe(workspaceId);
  });

  test("managing members, invitations and keys: owner yes; member, viewer and API keys no", async () => {
    const base = `/api/workspaces/${workspaceId}`;
    const asOwner = { headers: { cookie: owner.cookie, origin: ORIGIN } };
    expect((await request("GET", `${base}/api-keys`, undefined, asOwner)).status).toBe(200);
    const callers: RequestInit[] = [
      { headers: { cookie: member.cookie, origin: ORIGIN } },
      { headers: { cookie: viewer.cookie, origin: ORIGIN } },
      { headers: { authorization: `Bearer ${keys.all}` } },
    ];
    for (const init of callers) {
      expect((await request("GET", `${base}/api-keys`, undefined, init)).status).toBe(403);
      expect((await request("POST", `${base}/api-keys`, { name: "x", scopes: ["read"] }, init)).status).toBe(403);
      expect((await request("POST", `${base}/invitations`, { email: "z@z.io", role: "member" }, init)).status).toBe(
        403,
      );
      // Anyone of the workspace reads it; only owners and admins, signed in, rename it.
      expect((await request("GET", base, undefined, init)).status).toBe(200);
      expect((await request("PATCH", base, { name: "Taken over" }, init)).status).toBe(403);
    }
    const stranger = await signUp();
    const foreign = await request("GET", `${base}/members`, undefined, { headers: { cookie: stranger.cookie } });
    expect(foreign.status).toBe(404);
    for (const method of ["GET", "PATCH"] as const) {
      const body = method === "PATCH" ? { name: "Mine now" } : undefined;
      const res = await request(method, base, body, { headers: { cookie: stranger.cookie, origin: ORIGIN } });
      expect(res.status, method).toBe(404);
    }
    expect((await getDb().organization.findUniqueOrThrow({ where: { id: workspaceId } })).name).not.toMatch(
      /Taken over|Mine now/,
    );
  });

  test("a recipe that sends a stored secret: owners, admins and keys may save one, a member may not; its host cannot come from a cell", async () => {
    const t = await makeTable({ keys: ["name", "domain"], rows: 1, workspaceId });
    const http = (url: string) => ({
      providers: ["http"],
      field: "email",
      http: { method: "GET", url, headers: { "X-Api-Key": "{{secret:example}}" }, valuePath: "email" },
    });
    const column = (key: string, url = "https://api.example.com/find?d={{domain}}") => ({
      key,
      label: key,
      recipe: http(url),
    });
    const asMember = { headers: { cookie: member.cookie, origin: ORIGIN } };
    const refused = await withoutWrites(() =>
      request("POST", `/api/tables/${t.tableId}/columns`, column("leak"), asMember),
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/owners and admins may save a recipe that sends a stored secret/);
    // Without a secret the member may; changing that recipe to send one is refused too.
    const plain = await request(
      "POST",
      `/api/tables/${t.tableId}/columns`,
      {
        key: "plain",
        label: "Plain",
        recipe: {
          ...http("https://api.example.com/x"),
          http: { ...http("https://api.example.com/x").http, headers: {} },
        },
      },
      asMember,
    );
    expect(plain.status).toBe(201);
    const patched = await request(
      "PATCH",
      `/api/tables/${t.tableId}/columns/${plain.body.id}`,
      { recipe: http("https://api.example.com/x") },
      asMember,
    );
    expect(patched.status).toBe(403);
    const asOwner = { headers: { cookie: owner.cookie, origin: ORIGIN } };
    // Saved only once the secret it sends is stored.
    process.env.GLAZE_SECRET_KEY ??= TEST_SECRET_KEY;
    expect((await request("POST", `/api/tables/${t.tableId}/columns`, column("by_owner"), asOwner)).status).toBe(422);
    const stored = await request(
      "PUT",
      "/api/providers/http/credentials",
      { apiKey: "example-1234", name: "example" },
      {
        headers: { ...asOwner.headers, "x-glaze-workspace": workspaceId },
      },
    );
    expect(stored.status).toBe(200);
    expect((await request("POST", `/api/tables/${t.tableId}/columns`, column("by_owner"), asOwner)).status).toBe(201);
    const asKey = { headers: { authorization: `Bearer ${keys.all}` } };
    expect((await request("POST", `/api/tables/${t.tableId}/columns`, column("by_key"), asKey)).status).toBe(201);
    // A host filled from a cell would let a row choose where the secret goes.
    const hostFromCell = await request(
      "POST",
      `/api/tables/${t.tableId}/columns`,
      column("by_cell", "https://{{domain}}/find"),
      asOwner,
    );
    expect(hostFromCell.status).toBe(422);
    expect(hostFromCell.body.error.details[0]).toMatchObject({ path: "recipe.http.url" });
  });
});
