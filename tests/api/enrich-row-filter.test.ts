import "../support/no-orchestrator";
import pg from "pg";
import { describe, expect, test } from "vitest";
import { getDb } from "@/lib/db";
import { createEnrichmentJob } from "@/lib/enrichment/create-job";
import { MAX_CELLS_PER_JOB } from "@/lib/enrichment/policy";
import { createRows } from "@/lib/rows/rows";
import type { FilterNode } from "@/lib/views/filter-schema";
import { api } from "../support/api";
import { detailPaths, expectError, withoutWrites } from "../support/db-state";
import { makeTable } from "../support/fixtures";

// POST /enrich with rowFilter: the rows are chosen in SQL, in the job-creation transaction.

const enrich = (tableId: string, body: unknown) => api.post(`/api/tables/${tableId}/enrich`, body);
const EMAIL_EMPTY: FilterNode = { column: "email", op: "is_empty" };

async function tasksOf(jobId: string) {
  return getDb().cellEnrichmentTask.findMany({ where: { jobId }, orderBy: { ordinal: "asc" } });
}

/** A table whose even rows have an email and odd rows do not. */
async function halfWithEmail(rows: number) {
  const t = await makeTable({ keys: ["name", "email", "company"], rows });
  const patch = t.rowIds.flatMap((id, i) => (i % 2 === 0 ? [{ id, data: { email: `p${i}@x.io` } }] : []));
  expect((await api.patch(`/api/tables/${t.tableId}/rows`, { rows: patch })).status).toBe(200);
  return t;
}

describe("POST /api/tables/:id/enrich – rowFilter", () => {
  test("enriches exactly the matching rows × the columns, in row then column order, and queues them", async () => {
    const t = await halfWithEmail(10);
    const columnIds = [t.columns.company, t.columns.email];
    const res = await enrich(t.tableId, { columnIds, rowFilter: EMAIL_EMPTY });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: "pending", totalTasks: 10 });
    const tasks = await tasksOf(res.body.jobId);
    const odd = t.rowIds.filter((_, i) => i % 2 === 1);
    // Row order, then the columns' order in the table (email before company).
    expect(tasks.map((task) => [task.ordinal, task.rowId, task.columnId])).toEqual(
      odd.flatMap((rowId, r) => [
        [r * 2 + 1, rowId, t.columns.email],
        [r * 2 + 2, rowId, t.columns.company],
      ]),
    );
    const rows = (await api.get(`/api/tables/${t.tableId}/rows?limit=100`)).body.data;
    for (const [i, row] of rows.entries()) expect(row.status).toBe(i % 2 === 1 ? "queued" : "idle");
    // A rowFilter job records who started it, as any other job does (here the test account's key).
    const job = await getDb().enrichmentJob.findUniqueOrThrow({ where: { id: res.body.jobId } });
    expect(job).toMatchObject({ createdByUserId: null, createdByKeyId: expect.any(String) });
  });

  test("the same tree as GET /rows?filter= selects the same rows", async () => {
    const t = await halfWithEmail(12);
    const filter: FilterNode = {
      or: [
        { column: "email", op: "contains", value: "p1" },
        { column: "name", op: "eq", value: "Person 4" },
      ],
    };
    const view = await api.get(`/api/tables/${t.tableId}/rows?filter=${encodeURIComponent(JSON.stringify(filter))}`);
    const res = await enrich(t.tableId, { columnIds: [t.columns.company], rowFilter: filter });
    expect(res.status).toBe(201);
    expect((await tasksOf(res.body.jobId)).map((task) => task.rowId)).toEqual(
      view.body.data.map((row: { id: string }) => row.id),
    );
  });

  test.each<[string, (t: Awaited<ReturnType<typeof makeTable>>) => unknown, string]>([
    ["with rowIds", (t) => ({ columnIds: [t.columns.email], rowIds: t.rowIds, rowFilter: EMAIL_EMPTY }), "rowFilter"],
    ["with rowIds all", (t) => ({ columnIds: [t.columns.email], rowIds: "all", rowFilter: EMAIL_EMPTY }), "rowFilter"],
    [
      "with cellIds",
      (t) => ({ rowFilter: EMAIL_EMPTY, cellIds: [{ rowId: t.rowIds[0], columnId: t.columns.email }] }),
      "rowFilter",
    ],
    ["without columns", () => ({ rowFilter: EMAIL_EMPTY }), "columnIds"],
    [
      "malformed",
      (t) => ({ columnIds: [t.columns.email], rowFilter: { and: [{ op: "nope" }] } }),
      "rowFilter.and.0.op",
    ],
    [
      "an unknown column",
      (t) => ({ columnIds: [t.columns.email], rowFilter: { column: "zip", op: "is_empty" } }),
      "rowFilter.column",
    ],
    [
      "an operator that does not fit",
      (t) => ({ columnIds: [t.columns.email], rowFilter: { column: "name", op: "gt", value: 3 } }),
      "rowFilter.op",
    ],
  ])("rowFilter %s → 422 naming it, nothing written", async (_title, body, path) => {
    const t = await makeTable({ keys: ["name", "email"], rows: 3 });
    const res = await withoutWrites(() => enrich(t.tableId, body(t)));
    expectError(res, 422, "validation_failed");
    expect(detailPaths(res)).toEqual([path]);
  });

  test("a rowFilter no row matches → 422, nothing written", async () => {
    const t = await makeTable({ keys: ["name", "email"], rows: 3 });
    const res = await withoutWrites(() =>
      enrich(t.tableId, { columnIds: [t.columns.email], rowFilter: { column: "name", op: "eq", value: "nobody" } }),
    );
    expect(expectError(res, 422, "validation_failed").message).toMatch(/no row matches/);
  });

  test("an unknown column id → 422 with unknownColumnIds, nothing written", async () => {
    const t = await makeTable({ keys: ["name", "email"], rows: 3 });
    const res = await withoutWrites(() => enrich(t.tableId, { columnIds: ["nope"], rowFilter: EMAIL_EMPTY }));
    expect(expectError(res, 422, "validation_failed").details).toMatchObject({ unknownColumnIds: ["nope"] });
  });

  test("more matching cells than one job may hold → 413, nothing written", async () => {
    // 10,001 matching rows × 200 columns = 2,000,200 cells, one row over the cap.
    const keys = ["email", ...Array.from({ length: 199 }, (_, i) => `c${i}`)];
    const t = await makeTable({ keys, rows: 0 });
    for (let n = 0; n < 10_001; n += 5_000) {
      const rows = Array.from({ length: Math.min(5_000, 10_001 - n) }, () => ({ data: {} }));
      await createRows({ tableId: t.tableId, input: { rows } });
    }
    const columnIds = keys.map((k) => t.columns[k]);
    const before = await getDb().cellEnrichmentTask.count();
    const res = await enrich(t.tableId, { columnIds, rowFilter: EMAIL_EMPTY });
    expect(expectError(res, 413, "payload_too_large").details).toEqual({
      cells: 2_000_200,
      limit: MAX_CELLS_PER_JOB,
    });
    expect(MAX_CELLS_PER_JOB).toBe(2_000_000);
    expect(await getDb().cellEnrichmentTask.count()).toBe(before);
    expect(await getDb().enrichmentJob.count({ where: { tableId: t.tableId } })).toBe(0);
  }, 240_000);
});

/** Backends of this database waiting for a lock whose statement contains `text`. */
async function waiting(client: pg.Client, text: string) {
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%' || $1 || '%'`,
    [text],
  );
  return rows[0].n;
}

async function until(check: () => Promise<boolean>) {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for a lock wait");
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("rowFilter on a table that grows during job creation: rows committed before the job's snapshot are in it, later ones are not", async () => {
  const t = await makeTable({ keys: ["name", "email"], rows: 20 });
  const lead = (name: string) => ({ data: { name } });
  // Transaction A inserts 5 matching rows the way createRows does (the table's row lock first)
  // and stays open.
  const a = new pg.Client({ connectionString: process.env.DATABASE_URL });
  const watcher = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await Promise.all([a.connect(), watcher.connect()]);
  try {
    await a.query("BEGIN");
    await a.query("UPDATE tables SET updated_at = now() WHERE id = $1", [t.tableId]);
    await a.query(
      `INSERT INTO rows (table_id, data) SELECT $1::uuid, jsonb_build_object('name', 'A ' || i) FROM generate_series(1, 5) i`,
      [t.tableId],
    );
    // The job waits for A (its share lock on the table); B, begun after, waits for the job.
    const job = createEnrichmentJob({
      tableId: t.tableId,
      source: { mode: "filter", columnIds: [t.columns.email], rowFilter: EMAIL_EMPTY },
    });
    await until(async () => (await waiting(watcher, "FOR SHARE")) === 1);
    const b = createRows({ tableId: t.tableId, input: { rows: Array.from({ length: 5 }, (_, i) => lead(`B ${i}`)) } });
    await until(async () => (await waiting(watcher, "UPDATE")) >= 1);
    await a.query("COMMIT");
    const [created] = await Promise.all([job, b]);

    const rows = await getDb().row.findMany({ where: { tableId: t.tableId }, orderBy: { position: "asc" } });
    expect(rows).toHaveLength(30);
    const names = (await tasksOf(created.jobId)).map((task) => rows.find((r) => r.id === task.rowId)?.data);
    expect(created.totalTasks).toBe(25);
    expect(names).toEqual(rows.slice(0, 25).map((r) => r.data));
    expect(names.filter((d) => String((d as { name: string }).name).startsWith("A "))).toHaveLength(5);
    expect(names.some((d) => String((d as { name: string }).name).startsWith("B "))).toBe(false);
  } finally {
    await a.end();
    await watcher.end();
  }
});
