import "../support/no-orchestrator";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { cellStatusSince } from "@/lib/enrichment/cell-status";
import { runCellBatch } from "@/lib/enrichment/run-batch";
import { env } from "@/lib/env";
import { hubFor } from "@/lib/realtime/hubs";
import { LISTENER_NAME } from "@/lib/realtime/listener";
import { type AppProcess, startAppProcess } from "../support/app-process";
import { bearer } from "../support/auth";
import { cellsOf, openStream, type Received } from "../support/event-stream";
import { makeTable, taskIdsOf } from "../support/fixtures";
import { type RouteServer, startRouteServer } from "../support/route-server";

// Streams across processes and failures: several app processes on one database (each with its
// own listener), an app process killed and started again under its clients, and the
// listener's connection cut. Clients must end with exactly the database's state, having been
// sent no cell state twice.

type Table = Awaited<ReturnType<typeof makeTable>>;
type JobEvent = { status: string };

let local: RouteServer;
const processes: AppProcess[] = [];
beforeAll(async () => {
  local = await startRouteServer();
});
afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill()));
  await local.close();
});

async function appProcess() {
  const started = await startAppProcess();
  processes.push(started);
  return started;
}

async function job(t: Table) {
  const res = await fetch(`${local.url}/api/tables/${t.tableId}/enrich`, {
    method: "POST",
    headers: { ...(await bearer()), "content-type": "application/json" },
    body: JSON.stringify({ columnIds: Object.values(t.columns) }),
  });
  expect(res.status).toBe(201);
  const { jobId } = await res.json();
  return { jobId: jobId as string, ids: await taskIdsOf(jobId) };
}

/** Runs the tasks in batches of `size`, pausing between them, so clients see a job in motion. */
async function runInBatches(ids: string[], size: number, pauseMs: number) {
  for (let i = 0; i < ids.length; i += size) {
    await runCellBatch(ids.slice(i, i + size));
    await new Promise((r) => setTimeout(r, pauseMs));
  }
}

async function expectDatabaseState(t: Table, events: Received[]) {
  const { latest, repeated } = cellsOf(events);
  expect(repeated).toEqual([]);
  const page = await cellStatusSince({ tableId: t.tableId, limit: 50_000 });
  expect(latest.size).toBe(page.cells.length);
  for (const cell of page.cells) expect(latest.get(`${cell.rowId}:${cell.columnId}`)).toMatchObject(cell);
}

async function until(condition: () => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

const completed = (e: Received) => e.type === "job" && (e.data as JobEvent).status === "completed";

describe("live updates across processes", () => {
  test("two app processes on one database: a write through one reaches a stream of the other", async () => {
    const [a, b] = await Promise.all([appProcess(), appProcess()]);
    const t = await makeTable({ keys: ["name", "email"], rows: 3 });
    const onB = openStream(`${b.url}/api/tables/${t.tableId}/events`);
    try {
      await onB.waitFor((e) => e.type === "cells");
      const res = await fetch(`${a.url}/api/tables/${t.tableId}/rows/${t.rowIds[2]}`, {
        method: "PATCH",
        headers: { ...(await bearer()), "content-type": "application/json" },
        body: JSON.stringify({ data: { name: "Written through A" } }),
      });
      expect(res.status).toBe(200);
      const event = await onB.waitFor((e) => e.type === "table");
      expect(event.data).toMatchObject({ changes: [{ kind: "rows", op: "updated", ids: [t.rowIds[2]] }] });

      const enriched = await fetch(`${a.url}/api/tables/${t.tableId}/enrich`, {
        method: "POST",
        headers: { ...(await bearer()), "content-type": "application/json" },
        body: JSON.stringify({ columnIds: [t.columns.email] }),
      });
      expect(enriched.status).toBe(201);
      await onB.waitFor((e) => e.type === "cells" && (e.data as { cells: unknown[] }).cells.length === 3);
    } finally {
      onB.close();
    }
  }, 60_000);

  test("the app process killed mid-job and started again → its streams resume, nothing lost or repeated", async () => {
    const app = await appProcess();
    const t = await makeTable({ keys: ["email", "company"], rows: 150 });
    const { ids } = await job(t);
    const stream = openStream(`${app.url}/api/tables/${t.tableId}/events`);
    try {
      await stream.waitFor((e) => e.type === "cells");
      await runInBatches(ids.slice(0, 100), 20, 100);
      await stream.waitFor((e) => e.type === "cells" && (e.data as { cells: unknown[] }).cells.length > 0);
      await app.kill();
      await runInBatches(ids.slice(100, 200), 20, 50);
      await app.restart();
      // The client comes back by itself (EventSource, Last-Event-ID); the rest of the job is live.
      await until(() => stream.opens >= 2);
      await runInBatches(ids.slice(200), 20, 100);
      await stream.waitFor(completed, 30_000);
      await new Promise((r) => setTimeout(r, 300));
      expect(stream.opens).toBeGreaterThanOrEqual(2);
      await expectDatabaseState(t, stream.events);
    } finally {
      stream.close();
    }
  }, 90_000);

  test("the listener's connection cut mid-job → it reconnects, re-reads, and streams miss nothing", async () => {
    const t = await makeTable({ keys: ["email", "company"], rows: 100 });
    const { ids } = await job(t);
    const stream = openStream(`${local.url}/api/tables/${t.tableId}/events`);
    const admin = new pg.Client({ connectionString: env.databaseUrl });
    await admin.connect();
    try {
      await stream.waitFor((e) => e.type === "cells");
      await runInBatches(ids.slice(0, 60), 20, 100);
      const cut = await admin.query(
        "SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity WHERE application_name = $1",
        [LISTENER_NAME],
      );
      expect(cut.rows).toEqual([{ cut: true }]);
      // Written while no process of this database listens: no hint reaches anybody.
      await runCellBatch(ids.slice(60, 120));
      await runInBatches(ids.slice(120), 20, 100);
      await stream.waitFor(completed, 30_000);
      await new Promise((r) => setTimeout(r, 300));
      await expectDatabaseState(t, stream.events);
      const listening = await admin.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1",
        [LISTENER_NAME],
      );
      expect(listening.rows[0].n).toBe(1);
    } finally {
      stream.close();
      await admin.end();
    }
  }, 60_000);

  test("many clients of one table share its reads", async () => {
    const t = await makeTable({ keys: ["email", "company"], rows: 100 });
    const { ids } = await job(t);
    const streams = Array.from({ length: 40 }, () => openStream(`${local.url}/api/tables/${t.tableId}/events`));
    try {
      await Promise.all(streams.map((s) => s.waitFor((e) => e.type === "cells")));
      await runInBatches(ids, 20, 150);
      await Promise.all(streams.map((s) => s.waitFor(completed, 30_000)));
      await new Promise((r) => setTimeout(r, 300));
      for (const stream of streams) await expectDatabaseState(t, stream.events);
      // One read per burst for all of them (at most one per 100 ms), not one per client.
      const { reads } = hubFor(t.tableId).stats;
      expect(reads).toBeGreaterThan(1);
      expect(reads).toBeLessThan(40);
    } finally {
      for (const s of streams) s.close();
    }
  }, 60_000);
});
