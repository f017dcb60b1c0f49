import "../support/no-orchestrator";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getDb } from "@/lib/db";
import { createEnrichmentJob } from "@/lib/enrichment/create-job";
import { hubFor } from "@/lib/realtime/hubs";
import { api, request } from "../support/api";
import { addMember, createKey, createWorkspace, signUp, testAccount } from "../support/auth";
import { openStream } from "../support/event-stream";
import { makeTable } from "../support/fixtures";
import { type RouteServer, startRouteServer } from "../support/route-server";

// The event streams follow the REST routes' access rules (tests/api/access.test.ts has them in
// its matrix); here over real connections: credentials are checked before a stream opens, a
// refused request is an error in the one JSON shape and never a stream, and the grid's way in
// (EventSource with the session cookie) and an API client's (Bearer key) both work.

let server: RouteServer;
beforeAll(async () => {
  server = await startRouteServer();
});
afterAll(async () => {
  await server.close();
});

async function until(condition: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function tableWithJob() {
  const t = await makeTable({ keys: ["email"], rows: 2 });
  const job = await createEnrichmentJob({
    tableId: t.tableId,
    source: { mode: "grid", columnIds: [t.columns.email], rowIds: "all" },
  });
  const paths = [`/api/tables/${t.tableId}/events`, `/api/tables/${t.tableId}/enrich/jobs/${job.jobId}/events`];
  return { tableId: t.tableId, paths };
}

describe("access to the event streams", () => {
  test("no credentials, a revoked key → 401; another workspace's key → 404; a JSON error, never a stream", async () => {
    const { tableId, paths } = await tableWithJob();
    const { owner, workspaceId } = await testAccount();
    const revoked = await createKey(workspaceId, owner.userId, ["read"]);
    await getDb().apikey.delete({ where: { id: revoked.id } });
    const stranger = await signUp();
    const other = await createKey(await createWorkspace(stranger.userId, "Elsewhere"), stranger.userId, ["read"]);
    const cases: [Record<string, string>, number, string][] = [
      [{}, 401, "unauthorized"],
      [{ authorization: `Bearer ${revoked.key}` }, 401, "unauthorized"],
      [{ authorization: `Bearer ${other.key}` }, 404, "not_found"],
      [{ cookie: stranger.cookie }, 404, "not_found"],
    ];
    for (const path of paths) {
      for (const [headers, status, code] of cases) {
        const res = await fetch(`${server.url}${path}`, { headers: { accept: "text/event-stream", ...headers } });
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(status);
        expect(res.headers.get("content-type")).toContain("application/json");
        expect((await res.json()).error.code).toBe(code);
      }
    }
    expect(hubFor(tableId).clients).toBe(0);
  });

  test("a viewer's session cookie (the grid's EventSource) opens the table's stream and receives its changes", async () => {
    const t = await makeTable({ keys: ["name"], rows: 1 });
    const viewer = await signUp();
    await addMember((await testAccount()).workspaceId, viewer.userId, "viewer");
    const stream = openStream(`${server.url}/api/tables/${t.tableId}/events`, {
      credentials: { cookie: viewer.cookie },
    });
    try {
      await stream.waitFor((e) => e.type === "cells");
      expect((await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`, { data: { name: "Ada" } })).status).toBe(
        200,
      );
      await stream.waitFor((e) => e.type === "table");
      expect(stream.errors).toBe(0);
    } finally {
      stream.close();
    }
  });

  test("a key with only the read scope follows a job's stream (curl with Authorization: Bearer)", async () => {
    const { paths } = await tableWithJob();
    const { owner, workspaceId } = await testAccount();
    const readOnly = await createKey(workspaceId, owner.userId, ["read"]);
    const controller = new AbortController();
    const res = await fetch(`${server.url}${paths[1]}`, {
      headers: { authorization: `Bearer ${readOnly.key}` },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const reader = res.body?.getReader();
    let text = "";
    while (reader && !text.includes("event: job")) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(text).toContain('"status":"pending"');
  });

  /** Opens the table's stream with `headers`; `ended` resolves once the server ends it (false: still open after `ms`). */
  async function streamOf(tableId: string, headers: Record<string, string>) {
    const controller = new AbortController();
    const res = await fetch(`${server.url}/api/tables/${tableId}/events`, { headers, signal: controller.signal });
    expect(res.status).toBe(200);
    const reader = res.body?.getReader();
    if (!reader) throw new Error("no body");
    let text = "";
    const done = (async () => {
      for (;;) {
        const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (chunk.done) return true;
        text += new TextDecoder().decode(chunk.value);
      }
    })();
    return {
      received: () => text,
      ended: (ms: number) =>
        Promise.race([done, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]),
      close: () => controller.abort(),
    };
  }

  test("a member removed loses an open stream at once; a revoked key's stream ends too; others go on", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    const { owner, workspaceId } = await testAccount();
    const asOwner = { headers: { cookie: owner.cookie, origin: "http://localhost:3000" }, anonymous: true };
    const viewer = await signUp();
    await addMember(workspaceId, viewer.userId, "viewer");
    const memberId = (
      await getDb().member.findFirstOrThrow({ where: { userId: viewer.userId, organizationId: workspaceId } })
    ).id;
    const key = await createKey(workspaceId, owner.userId, ["read"]);
    const [byCookie, byKey, bystander] = await Promise.all([
      streamOf(t.tableId, { cookie: viewer.cookie }),
      streamOf(t.tableId, { authorization: `Bearer ${key.key}` }),
      streamOf(t.tableId, { cookie: owner.cookie }),
    ]);
    try {
      // The periodic check is 10 s away: what ends them is the announcement.
      const removed = await request("DELETE", `/api/workspaces/${workspaceId}/members/${memberId}`, undefined, asOwner);
      expect(removed.status).toBe(204);
      expect(await byCookie.ended(5_000)).toBe(true);
      expect(await byKey.ended(200)).toBe(false);
      const revoked = await request("DELETE", `/api/workspaces/${workspaceId}/api-keys/${key.id}`, undefined, asOwner);
      expect(revoked.status).toBe(204);
      expect(await byKey.ended(5_000)).toBe(true);
      // Nothing the table does afterwards reaches them; the owner's stream goes on.
      const edited = await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`, { data: { email: "after@x.io" } });
      expect(edited.status).toBe(200);
      await until(() => bystander.received().includes("after@x.io") || bystander.received().includes("event: table"));
      expect(byCookie.received()).not.toContain("event: table");
      expect(byKey.received()).not.toContain("event: table");
      expect(await bystander.ended(100)).toBe(false);
    } finally {
      for (const stream of [byCookie, byKey, bystander]) stream.close();
    }
  });

  test("a stream whose session signed out ends at its next check", async () => {
    process.env.GLAZE_SSE_RECHECK_MS = "200";
    try {
      const t = await makeTable({ keys: ["email"], rows: 1 });
      const person = await signUp();
      await addMember((await testAccount()).workspaceId, person.userId, "member");
      const stream = await streamOf(t.tableId, { cookie: person.cookie });
      try {
        expect(await stream.ended(600)).toBe(false);
        await getDb().session.deleteMany({ where: { userId: person.userId } });
        expect(await stream.ended(3_000)).toBe(true);
      } finally {
        stream.close();
      }
    } finally {
      delete process.env.GLAZE_SSE_RECHECK_MS;
    }
  });

  test("a stream granted to the in-process API helper is cancelled at once and leaves its hub", async () => {
    const { tableId, paths } = await tableWithJob();
    for (const path of paths) expect((await api.get(path)).status).toBe(200);
    // Idle too: no read of it still running when this file's database goes away.
    await until(() => hubFor(tableId).clients === 0 && hubFor(tableId).idle);
  });
});
