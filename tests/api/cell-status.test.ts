import "../support/no-orchestrator";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { describe, expect, test, vi } from "vitest";
import { getDb } from "@/lib/db";
import { cellStatusSince } from "@/lib/enrichment/cell-status";
import { runCellBatch } from "@/lib/enrichment/run-batch";
import { runCellTask } from "@/lib/enrichment/run-cell";
import { claimTasks } from "@/lib/enrichment/store";
import { env } from "@/lib/env";
import { hubFor } from "@/lib/realtime/hubs";
import { api } from "../support/api";
import { makeTable, taskIdsOf } from "../support/fixtures";

type Table = Awaited<ReturnType<typeof makeTable>>;
type Cell = {
  rowId: string;
  columnId: string;
  taskId: string;
  jobId: string;
  status: string;
  value: unknown;
  error: string | null;
};
type StatusPage = { cursor: string; cells: Cell[]; rows: { rowId: string; status: string }[]; hasMore: boolean };

async function enrich(t: Table, body: object) {
  const res = await api.post(`/api/tables/${t.tableId}/enrich`, body);
  expect(res.status).toBe(201);
  return res.body.jobId as string;
}

async function status(t: Table, query = ""): Promise<StatusPage> {
  const res = await api.get(`/api/tables/${t.tableId}/cells/status${query}`);
  expect(res.status).toBe(200);
  return res.body;
}

const since = (cursor: string) => `?since=${encodeURIComponent(cursor)}`;
const key = (cell: { rowId: string; columnId: string }) => `${cell.rowId}:${cell.columnId}`;
const keysOf = (cells: { rowId: string; columnId: string }[]) => cells.map(key).sort();

/** Holds a transaction (with a transaction id) open on another connection until `end`. */
async function openTransactionElsewhere() {
  const client = new pg.Client({ connectionString: env.databaseUrl });
  await client.connect();
  await client.query("BEGIN");
  await client.query("SELECT pg_current_xact_id()");
  return {
    end: async () => {
      await client.query("ROLLBACK");
      await client.end();
    },
  };
}

describe("GET /api/tables/:id/cells/status", () => {
  test("no since → latest state of every enriched cell, with a cursor", async () => {
    const t = await makeTable({ keys: ["email", "company"], rows: 3 });
    const jobId = await enrich(t, { columnIds: [t.columns.email], rowIds: [t.rowIds[0], t.rowIds[1]] });
    const [first] = await taskIdsOf(jobId);

    const page = await status(t);

    expect(page.cursor).toEqual(expect.any(String));
    expect(page.cursor).not.toBe("");
    expect(page.hasMore).toBe(false);
    expect(keysOf(page.cells)).toEqual(
      keysOf([
        { rowId: t.rowIds[0], columnId: t.columns.email },
        { rowId: t.rowIds[1], columnId: t.columns.email },
      ]),
    );
    expect(page.cells.find((c) => c.taskId === first)).toMatchObject({
      jobId,
      status: "queued",
      value: null,
      error: null,
    });
    expect(page.rows.map((r) => r.status)).toEqual(["queued", "queued"]);
  });

  test("table never enriched → no cells, still a cursor", async () => {
    const t = await makeTable({ keys: ["email"], rows: 2 });

    const page = await status(t);

    expect(page).toEqual({ cursor: expect.any(String), cells: [], rows: [], hasMore: false });
  });

  test("returned cursor, no changes in between → no cells", async () => {
    const t = await makeTable({ keys: ["email"], rows: 3 });
    await enrich(t, { columnIds: [t.columns.email] });
    const first = await status(t);

    const next = await status(t, since(first.cursor));

    expect(next.cells).toEqual([]);
    expect(next.rows).toEqual([]);
    expect((await status(t, since(next.cursor))).cells).toEqual([]);
  });

  test("returned cursor while another transaction is open → no cells", async () => {
    const t = await makeTable({ keys: ["email"], rows: 3 });
    const elsewhere = await openTransactionElsewhere();
    try {
      await enrich(t, { columnIds: [t.columns.email] });
      const first = await status(t);

      const next = await status(t, since(first.cursor));

      expect(first.cells).toHaveLength(3);
      expect(next.cells).toEqual([]);
    } finally {
      await elsewhere.end();
    }
  });

  test("change committed by a transaction that was open at the last poll → returned by the next", async () => {
    const t = await makeTable({ keys: ["email"], rows: 2 });
    const jobId = await enrich(t, { columnIds: [t.columns.email] });
    const [taskId] = await taskIdsOf(jobId);
    const before = await status(t);
    const late = await getDb().$transaction(async (tx) => {
      await claimTasks([taskId], { tx });
      return status(t);
    });

    const next = await status(t, since(late.cursor));

    expect(late.cells).toEqual(before.cells);
    expect(next.cells).toEqual([expect.objectContaining({ taskId, status: "running" })]);
  });

  // The cursor comes from the same statement (the same snapshot) as the (empty) result, so a
  // change that commits right after the poll comes back in the next one.
  test("change committed right after a poll that found nothing → returned by the next poll", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    const jobId = await enrich(t, { columnIds: [t.columns.email] });
    const [taskId] = await taskIdsOf(jobId);
    const { cursor } = await status(t);

    const empty = await cellStatusSince({ tableId: t.tableId, since: cursor, limit: 100 });
    await runCellTask(taskId);
    const next = await status(t, since(empty.cursor));

    expect(empty.cells).toEqual([]);
    expect(next.cells).toEqual([expect.objectContaining({ taskId, status: "done" })]);
  });

  test("new job after the cursor → only its cells come back, queued", async () => {
    const t = await makeTable({ keys: ["email", "company"], rows: 2 });
    await enrich(t, { columnIds: [t.columns.email] });
    const { cursor } = await status(t);

    const jobId = await enrich(t, { cellIds: [{ rowId: t.rowIds[1], columnId: t.columns.company }] });
    const page = await status(t, since(cursor));

    expect(page.cells).toEqual([
      expect.objectContaining({ rowId: t.rowIds[1], columnId: t.columns.company, jobId, status: "queued" }),
    ]);
    expect(page.rows).toEqual([expect.objectContaining({ rowId: t.rowIds[1], status: "queued" })]);
  });

  test("some tasks run → only those cells come back, done ones with their value", async () => {
    const t = await makeTable({ keys: ["email", "fail_phone"], rows: 3 });
    const jobId = await enrich(t, { columnIds: [t.columns.email, t.columns.fail_phone] });
    const { cursor } = await status(t);
    const [email0, fail0] = await taskIdsOf(jobId);

    await runCellBatch([email0, fail0]);
    const page = await status(t, since(cursor));

    expect(keysOf(page.cells)).toEqual(
      keysOf([
        { rowId: t.rowIds[0], columnId: t.columns.email },
        { rowId: t.rowIds[0], columnId: t.columns.fail_phone },
      ]),
    );
    expect(page.cells.find((c) => c.taskId === email0)).toMatchObject({
      status: "done",
      value: `fake_${t.rowIds[0]}@example.com`,
      confidence: expect.any(Number),
      error: null,
      attempts: 1,
    });
    expect(page.cells.find((c) => c.taskId === fail0)).toMatchObject({
      status: "failed",
      value: null,
      error: expect.stringMatching(/No data found/),
    });
    expect(page.rows).toEqual([
      { rowId: t.rowIds[0], status: "ambiguous", confidence: expect.any(Number), error: "1 of 2 cells failed" },
    ]);
  });

  test("polling with each returned cursor → every change once, each cell's latest state", async () => {
    const t = await makeTable({ keys: ["flaky_title"], rows: 2 });
    const jobId = await enrich(t, { columnIds: [t.columns.flaky_title] });
    const [a, b] = await taskIdsOf(jobId);
    const start = await status(t);

    // A failed attempt leaves its cell queued for the retry (attempts says how many it had).
    await expect(runCellTask(a, 1)).rejects.toThrow();
    const waiting = await status(t, since(start.cursor));
    await runCellTask(a, 2);
    await expect(runCellTask(b, 1)).rejects.toThrow();
    const after = await status(t, since(waiting.cursor));

    expect(waiting.cells).toEqual([expect.objectContaining({ taskId: a, status: "queued", attempts: 1 })]);
    expect(after.cells.map((c) => [c.taskId, c.status]).sort()).toEqual(
      [
        [a, "done"],
        [b, "queued"],
      ].sort(),
    );
    expect(after.cells.find((c) => c.taskId === a)?.value).toEqual(expect.any(String));
  });

  test("cell enriched by two jobs → one entry, the newer task", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    const oldJob = await enrich(t, { columnIds: [t.columns.email] });
    await runCellBatch(await taskIdsOf(oldJob));
    const newJob = await enrich(t, { columnIds: [t.columns.email] });

    const page = await status(t);

    expect(page.cells).toEqual([expect.objectContaining({ jobId: newJob, status: "queued", value: null })]);
  });

  test("job cancelled → its queued cells come back failed 'cancelled'", async () => {
    const t = await makeTable({ keys: ["email"], rows: 2 });
    const jobId = await enrich(t, { columnIds: [t.columns.email] });
    const { cursor } = await status(t);

    await api.post(`/api/tables/${t.tableId}/enrich/jobs/${jobId}/cancel`);
    const page = await status(t, since(cursor));

    expect(page.cells).toHaveLength(2);
    expect(page.cells.every((c) => c.status === "failed" && c.error === "cancelled")).toBe(true);
  });

  test("changes in another table → not returned", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    const other = await makeTable({ keys: ["email"], rows: 2 });
    const { cursor } = await status(t);

    const jobId = await enrich(other, { columnIds: [other.columns.email] });
    await runCellBatch(await taskIdsOf(jobId));

    expect((await status(t, since(cursor))).cells).toEqual([]);
    expect((await status(other, since(cursor))).cells).toHaveLength(2);
  });

  test("more changed cells than limit → that many cells and hasMore", async () => {
    const t = await makeTable({ keys: ["email", "company"], rows: 3 });
    await enrich(t, { columnIds: [t.columns.email, t.columns.company] });

    const page = await status(t, "?limit=4");
    const all = await status(t, "?limit=6");

    expect(page.cells).toHaveLength(4);
    expect(page.hasMore).toBe(true);
    expect(all.cells).toHaveLength(6);
    expect(all.hasMore).toBe(false);
  });

  test("rowIds → only the cells of those rows, with or without a cursor, each change once", async () => {
    const t = await makeTable({ keys: ["email"], rows: 3 });
    const jobId = await enrich(t, { columnIds: [t.columns.email] });
    const [first, , third] = t.rowIds;
    const rows = (...ids: string[]) => `rowIds=${ids.join(",")}`;
    // The table's hub answers polls once this process listens for changes.
    await vi.waitFor(async () => {
      await status(t);
      expect(hubFor(t.tableId).stats.reads).toBeGreaterThan(0);
    });

    // Without a cursor: every enriched cell of those rows (unknown ids have none).
    const start = await status(t, `?${rows(first.toUpperCase(), third, randomUUID())}`);
    expect(keysOf(start.cells)).toEqual(keysOf([first, third].map((rowId) => ({ rowId, columnId: t.columns.email }))));
    expect(start.rows.map((r) => r.rowId).sort()).toEqual([first, third].sort());

    // Every task runs; a poll of the first row sees its cell and row only, in their latest state.
    await runCellBatch(await taskIdsOf(jobId));
    const firstOnly = await status(t, `${since(start.cursor)}&${rows(first)}`);
    expect(firstOnly.cells).toEqual([expect.objectContaining({ rowId: first, status: "done" })]);
    expect(firstOnly.rows).toEqual([expect.objectContaining({ rowId: first, status: "done" })]);
    // The cursor is the table's: the other rows' changes are behind it too, for everybody.
    expect((await status(t, since(firstOnly.cursor))).cells).toEqual([]);
    // From the same older cursor, the whole table and a poll of the third row.
    expect((await status(t, since(start.cursor))).cells).toHaveLength(3);
    expect((await status(t, `${since(start.cursor)}&${rows(third)}`)).cells).toEqual([
      expect.objectContaining({ rowId: third, status: "done" }),
    ]);
    // Answered by the table's hub: its reads, and a catch-up from the first poll's cursor.
    expect(hubFor(t.tableId).stats.catchUps).toBeGreaterThan(0);
  });

  test.each([
    "since=abc",
    "since=-1",
    "since=1.5",
    "since=",
    "since=12345678901234567890",
    "since=9999999999999999999",
    // In-progress ids out of order: Postgres cannot read it as a snapshot (it was a 500).
    "since=10:20:16,15",
    "limit=0",
    "limit=50001",
    "cursor=1",
    "rowIds=",
    "rowIds=not-a-row",
    "rowIds=,",
    "rowIds=201",
  ])("invalid query %s → 422", async (query) => {
    const t = await makeTable({ keys: ["email"], rows: 1 });

    // "rowIds=201": one more row id than a poll may name.
    const many = `rowIds=${Array.from({ length: 201 }, () => randomUUID()).join(",")}`;
    const res = await api.get(`/api/tables/${t.tableId}/cells/status?${query === "rowIds=201" ? many : query}`);

    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("validation_failed");
  });

  test("tampered cursor → 422", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    const { cursor } = await status(t);

    const res = await api.get(`/api/tables/${t.tableId}/cells/status${since(`${cursor}x`)}`);

    expect(res.status).toBe(422);
  });

  test("unknown table → 404", async () => {
    const res = await api.get(`/api/tables/${randomUUID()}/cells/status`);

    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
  });
});
