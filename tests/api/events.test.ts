import "../support/no-orchestrator";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { cellStatusSince } from "@/lib/enrichment/cell-status";
import { runCellBatch } from "@/lib/enrichment/run-batch";
import { claimTasks } from "@/lib/enrichment/store";
import { hubFor } from "@/lib/realtime/hubs";
import { api, findRoute } from "../support/api";
import { bearer } from "../support/auth";
import { expectError } from "../support/db-state";
import { cellsOf, openStream, type Received } from "../support/event-stream";
import { makeTable, taskIdsOf } from "../support/fixtures";
import { type RouteServer, startRouteServer } from "../support/route-server";

process.env.GLAZE_SSE_HEARTBEAT_MS = "500";

type Table = Awaited<ReturnType<typeof makeTable>>;
type TableEvent = { cursor: string; reload: boolean; changes: { kind: string; op: string; ids: string[] | null }[] };
type JobEvent = { jobId: string; status: string; doneTasks: number; failedTasks: number; progress: number };

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

const eventsUrl = (t: Table, query = "") => `${server.url}/api/tables/${t.tableId}/events${query}`;

async function enrich(t: Table, body: object) {
  const res = await api.post(`/api/tables/${t.tableId}/enrich`, body);
  expect(res.status).toBe(201);
  return res.body.jobId as string;
}

/** Every enriched cell's latest state as the database has it. */
async function databaseCells(t: Table) {
  const page = await cellStatusSince({ tableId: t.tableId, limit: 50_000 });
  return new Map(page.cells.map((c) => [`${c.rowId}:${c.columnId}`, c]));
}

function expectSameCells(streamed: ReturnType<typeof cellsOf>["latest"], database: Map<string, unknown>) {
  expect(new Set(streamed.keys())).toEqual(new Set(database.keys()));
  for (const [key, cell] of database) expect(streamed.get(key)).toMatchObject(cell as object);
}

/** A table stream whose body nobody reads (until the test does), on a 2-column job of `rows` rows. */
async function unreadStream(rows: number) {
  const t = await makeTable({ keys: ["email", "company"], rows });
  const jobId = await enrich(t, { columnIds: [t.columns.email, t.columns.company] });
  const ids = await taskIdsOf(jobId);
  const path = `/api/tables/${t.tableId}/events`;
  const route = await findRoute("GET", path);
  const response = await route?.handler(new Request(`http://localhost:3000${path}`, { headers: await bearer() }), {
    params: Promise.resolve(route.params),
  });
  expect(response?.status).toBe(200);
  const hub = hubFor(t.tableId);
  await until(() => hub.clients === 1);
  return { t, jobId, ids, body: response?.body as ReadableStream<Uint8Array>, hub };
}

const tableEvent = (match: (e: TableEvent) => boolean) => (e: Received) =>
  e.type === "table" && match(e.data as TableEvent);

describe("GET /api/tables/:tableId/events", () => {
  test("unknown table → 404 in the error shape", async () => {
    expectError(await api.get(`/api/tables/${randomUUID()}/events`), 404, "not_found");
  });

  test.each(["since=abc", "since=5:3:", "since=10:20:16,15", "since=", "x=1"])(
    "invalid query %s → 422",
    async (query) => {
      const t = await makeTable({ keys: ["email"], rows: 1 });
      expectError(await api.get(`/api/tables/${t.tableId}/events?${query}`), 422, "validation_failed");
    },
  );

  test("malformed Last-Event-ID → 422", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    const res = await fetch(eventsUrl(t), { headers: { ...(await bearer()), "last-event-id": "1:2:3,4" } });
    expect(res.status).toBe(422);
    expect((await res.json()).error.code).toBe("validation_failed");
  });

  test("a stream: event-stream headers, a retry hint, then a cells event whose id is the cursor", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    const controller = new AbortController();
    const res = await fetch(eventsUrl(t), { headers: await bearer(), signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(res.headers.get("x-accel-buffering")).toBe("no");
    const reader = res.body?.getReader();
    let text = "";
    while (reader && !text.includes("event: cells")) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(text).toMatch(
      /^retry: 2000\n\nid: (\d+:\d+:[\d,]*)\nevent: cells\ndata: \{"cursor":"\1","cells":\[\],"rows":\[\],"hasMore":false\}\n\n/,
    );
  });

  test("heartbeats keep an idle stream alive", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    const stream = openStream(eventsUrl(t));
    try {
      await stream.waitFor((e) => e.type === "heartbeat", 5_000);
    } finally {
      stream.close();
    }
  });

  test("edits by anyone → table events naming the rows and columns that changed", async () => {
    const t = await makeTable({ keys: ["name", "email"], rows: 3 });
    const stream = openStream(eventsUrl(t));
    try {
      await stream.waitFor((e) => e.type === "cells");
      await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[1]}`, { data: { name: "Grace" } });
      const edited = await stream.waitFor(tableEvent((e) => e.changes.some((c) => c.kind === "rows")));
      expect((edited.data as TableEvent).changes).toEqual([{ kind: "rows", op: "updated", ids: [t.rowIds[1]] }]);
      expect(edited.id).toBe((edited.data as TableEvent).cursor);

      const column = await api.post(`/api/tables/${t.tableId}/columns`, { key: "phone", label: "Phone" });
      await stream.waitFor(
        tableEvent((e) =>
          e.changes.some((c) => c.kind === "columns" && c.op === "created" && c.ids?.includes(column.body.id)),
        ),
      );
      const created = await api.post(`/api/tables/${t.tableId}/rows`, { rows: [{ data: { name: "Ada" } }] });
      await stream.waitFor(
        tableEvent((e) => e.changes.some((c) => c.op === "created" && c.ids?.includes(created.body.data[0].id))),
      );
      await api.delete(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`);
      await stream.waitFor(
        tableEvent((e) => e.changes.some((c) => c.op === "deleted" && c.ids?.includes(t.rowIds[0]))),
      );
      await api.patch(`/api/tables/${t.tableId}`, { name: "Renamed" });
      await stream.waitFor(tableEvent((e) => e.changes.some((c) => c.kind === "table" && c.op === "updated")));
    } finally {
      stream.close();
    }
  });

  test("enrichment → its cells arrive queued, running and done, each state once, ending as the database", async () => {
    const t = await makeTable({ keys: ["email", "company"], rows: 20 });
    const stream = openStream(eventsUrl(t));
    try {
      await stream.waitFor((e) => e.type === "cells");
      const jobId = await enrich(t, { columnIds: [t.columns.email, t.columns.company] });
      const ids = await taskIdsOf(jobId);
      await stream.waitFor((e) => e.type === "cells" && (e.data as { cells: unknown[] }).cells.length > 0);
      await claimTasks(ids.slice(0, 5));
      await stream.waitFor(
        (e) =>
          e.type === "cells" && (e.data as { cells: { status: string }[] }).cells.some((c) => c.status === "running"),
      );
      for (let i = 0; i < ids.length; i += 10) await runCellBatch(ids.slice(i, i + 10));
      await stream.waitFor((e) => e.type === "job" && (e.data as JobEvent).status === "completed");
      await new Promise((r) => setTimeout(r, 300));
      const { latest, repeated } = cellsOf(stream.events);
      expect(repeated).toEqual([]);
      expectSameCells(latest, await databaseCells(t));
      const states = new Set(
        stream.of("cells").flatMap((e) => (e.data as { cells: { status: string }[] }).cells.map((c) => c.status)),
      );
      expect(states).toEqual(new Set(["queued", "running", "done"]));
    } finally {
      stream.close();
    }
  });

  test("a running job's credits reach the stream while no cell changes (charges come as providers answer, before cells end)", async () => {
    const t = await makeTable({ keys: ["email"], rows: 3 });
    const stream = openStream(eventsUrl(t));
    try {
      await stream.waitFor((e) => e.type === "cells");
      const jobId = await enrich(t, { columnIds: [t.columns.email] });
      await claimTasks(await taskIdsOf(jobId));
      await stream.waitFor(
        (e) =>
          e.type === "cells" && (e.data as { cells: { status: string }[] }).cells.some((c) => c.status === "running"),
      );
      // Every read the claim caused is over: what comes next is not its echo.
      await new Promise((r) => setTimeout(r, 1_000));
      // A charge settled on the job's budget, as a waterfall's answered call does; no cell moves.
      const { getDb } = await import("@/lib/db");
      const { workspaceId } = (await getDb().table.findUniqueOrThrow({ where: { id: t.tableId } })) as {
        workspaceId: string;
      };
      await getDb().$executeRawUnsafe(
        "INSERT INTO credit_budgets (key, workspace_id, spent) VALUES ($1, $2, 7) ON CONFLICT (key) DO UPDATE SET spent = 7",
        `job:${jobId}`,
        workspaceId,
      );
      await stream.waitFor(
        (e) => e.type === "job" && (e.data as { jobId: string; creditsSpent: number }).creditsSpent === 7,
        10_000,
      );
    } finally {
      stream.close();
    }
  });

  test("reconnect with Last-Event-ID mid-job → nothing lost, nothing twice", async () => {
    const t = await makeTable({ keys: ["email", "company"], rows: 30 });
    const jobId = await enrich(t, { columnIds: [t.columns.email, t.columns.company] });
    const ids = await taskIdsOf(jobId);
    const first = openStream(eventsUrl(t));
    await first.waitFor((e) => e.type === "cells");
    await runCellBatch(ids.slice(0, 20));
    await first.waitFor((e) => e.type === "cells" && (e.data as { cells: unknown[] }).cells.length > 0);
    first.close();
    const lastEventId = first.events.filter((e) => e.id).at(-1)?.id;
    expect(lastEventId).toBeDefined();
    // Changes while nobody listens, then the client comes back where it left off.
    await runCellBatch(ids.slice(20, 40));
    const second = openStream(eventsUrl(t), { lastEventId });
    try {
      await second.waitFor((e) => e.type === "cells");
      await runCellBatch(ids.slice(40));
      await second.waitFor((e) => e.type === "job" && (e.data as JobEvent).status === "completed");
      await new Promise((r) => setTimeout(r, 300));
      const { latest, repeated } = cellsOf([...first.events, ...second.events]);
      expect(repeated).toEqual([]);
      expectSameCells(latest, await databaseCells(t));
    } finally {
      second.close();
    }
  });

  test("a cursor from cells/status (?since=) starts the stream there", async () => {
    const t = await makeTable({ keys: ["email"], rows: 4 });
    const jobId = await enrich(t, { columnIds: [t.columns.email] });
    const { cursor } = (await api.get(`/api/tables/${t.tableId}/cells/status`)).body;
    await runCellBatch((await taskIdsOf(jobId)).slice(0, 2));
    const stream = openStream(eventsUrl(t, `?since=${encodeURIComponent(cursor)}`));
    try {
      const first = await stream.waitFor((e) => e.type === "cells");
      expect((first.data as { cells: { status: string }[] }).cells.map((c) => c.status)).toEqual(["done", "done"]);
    } finally {
      stream.close();
    }
  });

  test("a client that does not read its events is disconnected once its queue is full", async () => {
    process.env.GLAZE_SSE_MAX_BUFFERED_BYTES = "20000";
    try {
      const { ids, body, hub } = await unreadStream(100);
      for (let i = 0; i < ids.length && hub.clients > 0; i += 20) {
        await runCellBatch(ids.slice(i, i + 20));
        await new Promise((r) => setTimeout(r, 150));
      }
      await until(() => hub.clients === 0);
      await expect(body.getReader().read()).rejects.toThrow(/not reading its events fast enough/);
    } finally {
      delete process.env.GLAZE_SSE_MAX_BUFFERED_BYTES;
    }
  });

  test("more cells changed than a page holds → a cells event with hasMore and no cells", async () => {
    const t = await makeTable({ keys: ["email", "company"], rows: 5_001 });
    const stream = openStream(eventsUrl(t));
    try {
      await stream.waitFor((e) => e.type === "cells");
      const jobId = await enrich(t, { columnIds: [t.columns.email, t.columns.company] });
      const resync = await stream.waitFor((e) => e.type === "cells" && (e.data as { hasMore: boolean }).hasMore);
      expect(resync.data).toEqual({ cursor: resync.id, cells: [], rows: [], hasMore: true });
      // From its cursor on, the stream carries the cells again.
      await runCellBatch((await taskIdsOf(jobId)).slice(0, 3));
      await stream.waitFor(
        (e) =>
          e.type === "cells" &&
          e.id !== resync.id &&
          (e.data as { cells: { status: string }[] }).cells.some((c) => c.status === "done"),
      );
    } finally {
      stream.close();
    }
  });

  test("a client that reads slower than events come is sent what changed meanwhile, merged, and stays connected", async () => {
    process.env.GLAZE_SSE_MAX_BUFFERED_BYTES = "400000";
    try {
      // Nobody reads this response's body until every cell has run.
      const { t, jobId, ids, body, hub } = await unreadStream(150);
      const readsBefore = hub.stats.reads;
      for (let i = 0; i < ids.length; i += 15) {
        await runCellBatch(ids.slice(i, i + 15));
        await new Promise((r) => setTimeout(r, 150));
      }
      const reads = hub.stats.reads - readsBefore;
      expect(reads).toBeGreaterThanOrEqual(10);

      const reader = body.getReader();
      const decoder = new TextDecoder();
      let text = "";
      const events: Received[] = [];
      const done = () =>
        events.some((e) => e.type === "job" && (e.data as JobEvent).status === "completed") &&
        [...cellsOf(events).latest.values()].filter((c) => c.status === "done").length === ids.length;
      const deadline = Date.now() + 15_000;
      while (!done() && Date.now() < deadline) {
        const chunk = await reader.read();
        if (chunk.done) break;
        text += decoder.decode(chunk.value, { stream: true });
        const blocks = text.split("\n\n");
        text = blocks.pop() ?? "";
        for (const block of blocks) {
          const field = (name: string) =>
            block
              .split("\n")
              .find((l) => l.startsWith(`${name}: `))
              ?.slice(name.length + 2);
          const data = field("data");
          if (data)
            events.push({
              type: field("event") ?? "message",
              data: JSON.parse(data),
              id: field("id") ?? "",
              at: Date.now(),
            });
        }
      }
      await reader.cancel();

      const { latest, repeated } = cellsOf(events);
      expect(repeated).toEqual([]);
      expectSameCells(latest, await databaseCells(t));
      // It was never disconnected, and it was sent fewer cells events than there were reads:
      // what changed while it was behind came merged.
      expect(events.filter((e) => e.type === "cells").length).toBeLessThan(reads);
      const lastJob = events.filter((e) => e.type === "job").at(-1)?.data as JobEvent | undefined;
      expect(lastJob).toMatchObject({ jobId, status: "completed", doneTasks: ids.length });
      // The job's end comes before none of its cells.
      const endAt = events.findIndex((e) => e.type === "job" && (e.data as JobEvent).status === "completed");
      expect(cellsOf(events.slice(0, endAt + 2)).latest.size).toBe(ids.length);
    } finally {
      delete process.env.GLAZE_SSE_MAX_BUFFERED_BYTES;
    }
  });

  test("the table is deleted → a table event saying so, then the stream ends", async () => {
    const t = await makeTable({ keys: ["email"], rows: 2 });
    const stream = openStream(eventsUrl(t));
    try {
      await stream.waitFor((e) => e.type === "cells");
      await api.delete(`/api/tables/${t.tableId}`);
      await stream.waitFor(tableEvent((e) => e.changes.some((c) => c.kind === "table" && c.op === "deleted")));
    } finally {
      stream.close();
    }
  });
});

describe("GET /api/tables/:tableId/enrich/jobs/:jobId/events", () => {
  test("unknown job → 404", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    expectError(await api.get(`/api/tables/${t.tableId}/enrich/jobs/${randomUUID()}/events`), 404, "not_found");
  });

  test("any query parameter → 422 (the stream takes none)", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    const jobId = await enrich(t, { columnIds: [t.columns.email] });
    for (const query of ["since=1:1:", "foo=1"]) {
      const res = await api.get(`/api/tables/${t.tableId}/enrich/jobs/${jobId}/events?${query}`);
      expectError(res, 422, "validation_failed");
    }
  });

  test("progress until the job ends, then the stream closes", async () => {
    const t = await makeTable({ keys: ["email"], rows: 30 });
    const jobId = await enrich(t, { columnIds: [t.columns.email] });
    const ids = await taskIdsOf(jobId);
    const res = await fetch(`${server.url}/api/tables/${t.tableId}/enrich/jobs/${jobId}/events`, {
      headers: await bearer(),
    });
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const body = res.text();
    for (let i = 0; i < ids.length; i += 10) {
      await runCellBatch(ids.slice(i, i + 10));
      await new Promise((r) => setTimeout(r, 250));
    }
    const events = (await body)
      .split("\n\n")
      .filter((block) => block.startsWith("event: job"))
      .map((block) => JSON.parse(block.split("data: ")[1]) as JobEvent);
    expect(events[0]).toMatchObject({ jobId, status: "pending", progress: 0 });
    expect(events.at(-1)).toMatchObject({ jobId, status: "completed", doneTasks: 30, progress: 100 });
    expect(events.length).toBeGreaterThanOrEqual(3);
    const done = events.map((e) => e.doneTasks);
    expect(done).toEqual([...done].sort((a, b) => a - b));
  });

  test("a job that already ended → its final state, then the stream closes", async () => {
    const t = await makeTable({ keys: ["email"], rows: 2 });
    const jobId = await enrich(t, { columnIds: [t.columns.email] });
    await runCellBatch(await taskIdsOf(jobId));
    const text = await (
      await fetch(`${server.url}/api/tables/${t.tableId}/enrich/jobs/${jobId}/events`, { headers: await bearer() })
    ).text();
    expect(text).toMatch(/^retry: 2000\n\nevent: job\ndata: \{"jobId":"[^"]+".*"status":"completed"/);
  });
});
