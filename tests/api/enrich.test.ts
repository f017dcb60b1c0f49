import "../support/no-orchestrator";
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { getDb } from "@/lib/db";
import { api } from "../support/api";
import { jobOf, makeTable, taskIdsOf } from "../support/fixtures";

const enrich = (tableId: string, body: unknown) => api.post(`/api/tables/${tableId}/enrich`, body);
const rowsApi = async (tableId: string) => (await api.get(`/api/tables/${tableId}/rows?limit=1000`)).body.data;

/** Everything a rejected request must leave untouched. */
async function snapshot(tableId: string) {
  const db = getDb();
  const [jobs, tasks, rows] = await Promise.all([
    db.enrichmentJob.count(),
    db.cellEnrichmentTask.count(),
    db.row.findMany({
      where: { tableId },
      orderBy: { position: "asc" },
      select: { id: true, status: true, cellStates: true, data: true, updatedAt: true },
    }),
  ]);
  return { jobs, tasks, rows };
}

async function tasksOf(jobId: string) {
  return getDb().cellEnrichmentTask.findMany({ where: { jobId }, orderBy: { ordinal: "asc" } });
}

describe("POST /api/tables/:id/enrich – grid mode", () => {
  test("2 columns × 3 rows → 201 with 6 queued tasks, one per cell", async () => {
    const t = await makeTable({ keys: ["name", "email", "company"], rows: 3 });

    const res = await enrich(t.tableId, { columnIds: [t.columns.email, t.columns.company], rowIds: t.rowIds });

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ tableId: t.tableId, status: "pending", totalTasks: 6 });
    expect(res.body.jobId).toEqual(expect.any(String));
    expect(res.body.message).toMatch(/^Created 6 enrichment tasks/);
    const tasks = await tasksOf(res.body.jobId);
    expect(tasks).toHaveLength(6);
    expect(tasks.every((task) => task.status === "queued" && task.tableId === t.tableId)).toBe(true);
    const cells = tasks.map((task) => `${task.rowId}:${task.columnId}`).sort();
    const expected = t.rowIds.flatMap((rowId) => [t.columns.email, t.columns.company].map((c) => `${rowId}:${c}`));
    expect(cells).toEqual(expected.sort());
    const job = await jobOf(res.body.jobId);
    expect(job).toMatchObject({ tableId: t.tableId, status: "pending", totalTasks: 6, doneTasks: 0, failedTasks: 0 });
  });

  test("created tasks → rows API shows the rows and exactly those cells queued", async () => {
    const t = await makeTable({ keys: ["name", "email", "company"], rows: 3 });

    const res = await enrich(t.tableId, { columnIds: [t.columns.email], rowIds: [t.rowIds[0], t.rowIds[2]] });

    expect(res.status).toBe(201);
    const tasks = await tasksOf(res.body.jobId);
    const [first, second, third] = await rowsApi(t.tableId);
    for (const row of [first, third]) {
      const task = tasks.find((candidate) => candidate.rowId === row.id);
      expect(row.status).toBe("queued");
      expect(row.cells).toEqual({ [t.columns.email]: { taskId: task?.id, status: "queued" } });
    }
    expect(second.status).toBe("idle");
    expect(second.cells).toEqual({});
  });

  test('rowIds "all" → one task per column for every row of the table', async () => {
    const t = await makeTable({ keys: ["name", "email", "company"], rows: 4 });

    const res = await enrich(t.tableId, { columnIds: [t.columns.email, t.columns.company], rowIds: "all" });

    expect(res.status).toBe(201);
    expect(res.body.totalTasks).toBe(8);
    const rows = await rowsApi(t.tableId);
    expect(rows.map((r: { status: string }) => r.status)).toEqual(["queued", "queued", "queued", "queued"]);
  });

  test("rowIds omitted → every row", async () => {
    const t = await makeTable({ keys: ["name", "email"], rows: 5 });

    const res = await enrich(t.tableId, { columnIds: [t.columns.email] });

    expect(res.status).toBe(201);
    expect(res.body.totalTasks).toBe(5);
    expect(new Set((await tasksOf(res.body.jobId)).map((task) => task.rowId))).toEqual(new Set(t.rowIds));
  });

  test("repeated column and row ids → each cell enriched once", async () => {
    const t = await makeTable({ keys: ["name", "email"], rows: 2 });

    const res = await enrich(t.tableId, {
      columnIds: [t.columns.email, t.columns.email],
      rowIds: [t.rowIds[0], t.rowIds[0], t.rowIds[1]],
    });

    expect(res.status).toBe(201);
    expect(res.body.totalTasks).toBe(2);
  });

  test("tasks are numbered 1..n in row order, then column order", async () => {
    const t = await makeTable({ keys: ["email", "company"], rows: 2 });

    const res = await enrich(t.tableId, { columnIds: [t.columns.company, t.columns.email], rowIds: "all" });

    const tasks = await tasksOf(res.body.jobId);
    expect(tasks.map((task) => [task.ordinal, task.rowId, task.columnId])).toEqual([
      [1, t.rowIds[0], t.columns.email],
      [2, t.rowIds[0], t.columns.company],
      [3, t.rowIds[1], t.columns.email],
      [4, t.rowIds[1], t.columns.company],
    ]);
  });
});

describe("POST /api/tables/:id/enrich – explicit mode", () => {
  test("cellIds → one queued task per listed cell, other cells untouched", async () => {
    const t = await makeTable({ keys: ["name", "email", "company"], rows: 3 });
    const cellIds = [
      { rowId: t.rowIds[0], columnId: t.columns.email },
      { rowId: t.rowIds[1], columnId: t.columns.company },
    ];

    const res = await enrich(t.tableId, { cellIds });

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: "pending", totalTasks: 2 });
    expect(res.body.message).toMatch(/^Created 2 enrichment tasks/);
    const tasks = await tasksOf(res.body.jobId);
    expect(tasks.map((task) => ({ rowId: task.rowId, columnId: task.columnId }))).toEqual(cellIds);
    const rows = await rowsApi(t.tableId);
    expect(Object.keys(rows[0].cells)).toEqual([t.columns.email]);
    expect(Object.keys(rows[1].cells)).toEqual([t.columns.company]);
    expect(rows[2]).toMatchObject({ status: "idle", cells: {} });
  });

  test("duplicate cells (also in another letter case) → collapse into one task", async () => {
    const t = await makeTable({ keys: ["email"], rows: 2 });
    const cell = { rowId: t.rowIds[0], columnId: t.columns.email };

    const res = await enrich(t.tableId, {
      cellIds: [cell, cell, { rowId: cell.rowId.toUpperCase(), columnId: cell.columnId.toUpperCase() }],
    });

    expect(res.status).toBe(201);
    expect(res.body.totalTasks).toBe(1);
    const [task] = await tasksOf(res.body.jobId);
    expect({ rowId: task.rowId, columnId: task.columnId }).toEqual(cell);
  });

  test("single cell → message uses the singular", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });

    const res = await enrich(t.tableId, { cellIds: [{ rowId: t.rowIds[0], columnId: t.columns.email }] });

    expect(res.status).toBe(201);
    expect(res.body.message).toMatch(/^Created 1 enrichment task\b(?!s)/);
  });
});

describe("POST /api/tables/:id/enrich – orchestrator unreachable", () => {
  test("no Inngest configured → 201, job kept pending with the dispatch error", async () => {
    const t = await makeTable({ keys: ["email"], rows: 2 });

    const res = await enrich(t.tableId, { columnIds: [t.columns.email] });

    expect(res.status).toBe(201);
    expect(res.body.status).toBe("pending");
    expect(res.body.error).toMatch(/^Could not start the job/);
    expect(res.body.message).toMatch(/^Created 2 enrichment tasks\. Could not start the job/);
    const job = await jobOf(res.body.jobId);
    expect(job.status).toBe("pending");
    expect(job.error).toBe(res.body.error);
    const fromApi = await api.get(`/api/tables/${t.tableId}/enrich/jobs/${res.body.jobId}`);
    expect(fromApi.body.error).toBe(res.body.error);
    expect((await tasksOf(res.body.jobId)).every((task) => task.status === "queued")).toBe(true);
  });
});

describe("POST /api/tables/:id/enrich – rejected requests create nothing", () => {
  const bodies: [string, (t: Awaited<ReturnType<typeof makeTable>>) => unknown][] = [
    [
      "both grid and explicit mode",
      (t) => ({ columnIds: [t.columns.email], cellIds: [{ rowId: t.rowIds[0], columnId: t.columns.email }] }),
    ],
    ["rowIds with cellIds", (t) => ({ rowIds: "all", cellIds: [{ rowId: t.rowIds[0], columnId: t.columns.email }] })],
    ["neither mode", () => ({})],
    ["rowIds without columnIds", (t) => ({ rowIds: t.rowIds })],
    ["empty columnIds", () => ({ columnIds: [] })],
    ["empty rowIds", (t) => ({ columnIds: [t.columns.email], rowIds: [] })],
    ["empty cellIds", () => ({ cellIds: [] })],
    ["an unknown property", (t) => ({ columnIds: [t.columns.email], priority: "high" })],
    ["a cell without columnId", (t) => ({ cellIds: [{ rowId: t.rowIds[0] }] })],
    ['rowIds neither a list nor "all"', (t) => ({ columnIds: [t.columns.email], rowIds: "some" })],
    ["a non-string id", () => ({ columnIds: [42] })],
  ];

  test.each(bodies)("%s → 422", async (_, body) => {
    const t = await makeTable({ keys: ["email"], rows: 2 });
    const before = await snapshot(t.tableId);

    const res = await enrich(t.tableId, body(t));

    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("validation_failed");
    expect(await snapshot(t.tableId)).toEqual(before);
  });

  test("table without rows → 422 empty selection", async () => {
    const t = await makeTable({ keys: ["email"], rows: 0 });
    const before = await snapshot(t.tableId);

    const res = await enrich(t.tableId, { columnIds: [t.columns.email], rowIds: "all" });

    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/empty/);
    expect(await snapshot(t.tableId)).toEqual(before);
  });

  test("unknown table → 404", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    const before = await snapshot(t.tableId);

    const res = await enrich(randomUUID(), { columnIds: [t.columns.email], rowIds: t.rowIds });

    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
    expect(await snapshot(t.tableId)).toEqual(before);
  });

  test("malformed table id → 404", async () => {
    const res = await enrich("not-a-table", { columnIds: [randomUUID()] });

    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
  });

  test("unknown column → 422 naming it in details.unknownColumnIds", async () => {
    const t = await makeTable({ keys: ["email"], rows: 2 });
    const before = await snapshot(t.tableId);
    const missing = randomUUID();

    const res = await enrich(t.tableId, { columnIds: [t.columns.email, missing], rowIds: "all" });

    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual({ unknownColumnIds: [missing], unknownRowIds: [] });
    expect(await snapshot(t.tableId)).toEqual(before);
  });

  test("column and row of another table → 422 naming both", async () => {
    const t = await makeTable({ keys: ["email"], rows: 2 });
    const other = await makeTable({ keys: ["email"], rows: 1 });
    const before = await snapshot(t.tableId);
    const otherBefore = await snapshot(other.tableId);

    const res = await enrich(t.tableId, {
      columnIds: [t.columns.email, other.columns.email],
      rowIds: [t.rowIds[0], other.rowIds[0]],
    });

    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual({
      unknownColumnIds: [other.columns.email],
      unknownRowIds: [other.rowIds[0]],
    });
    expect(await snapshot(t.tableId)).toEqual(before);
    expect(await snapshot(other.tableId)).toEqual(otherBefore);
  });

  test("malformed column and row ids → 422 naming them", async () => {
    const t = await makeTable({ keys: ["email"], rows: 2 });
    const before = await snapshot(t.tableId);

    const res = await enrich(t.tableId, { columnIds: ["nope"], rowIds: ["42", t.rowIds[0]] });

    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual({ unknownColumnIds: ["nope"], unknownRowIds: ["42"] });
    expect(await snapshot(t.tableId)).toEqual(before);
  });

  test("explicit cell of another table's row → 422 naming the row", async () => {
    const t = await makeTable({ keys: ["email"], rows: 2 });
    const other = await makeTable({ keys: ["email"], rows: 1 });
    const before = await snapshot(t.tableId);

    const res = await enrich(t.tableId, {
      cellIds: [
        { rowId: t.rowIds[0], columnId: t.columns.email },
        { rowId: other.rowIds[0], columnId: t.columns.email },
      ],
    });

    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual({ unknownColumnIds: [], unknownRowIds: [other.rowIds[0]] });
    expect(await snapshot(t.tableId)).toEqual(before);
  });

  test("explicit cell of an unknown column → 422 naming the column", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    const before = await snapshot(t.tableId);
    const missing = randomUUID();

    const res = await enrich(t.tableId, { cellIds: [{ rowId: t.rowIds[0], columnId: missing }] });

    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual({ unknownColumnIds: [missing], unknownRowIds: [] });
    expect(await snapshot(t.tableId)).toEqual(before);
  });

  test("malformed JSON → 400", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    const before = await snapshot(t.tableId);

    const res = await api.post(`/api/tables/${t.tableId}/enrich`, undefined, { raw: '{"columnIds": [' });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_json");
    expect(await snapshot(t.tableId)).toEqual(before);
  });

  test("empty body → 400", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });

    const res = await api.post(`/api/tables/${t.tableId}/enrich`);

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_json");
  });
});

describe("POST /api/tables/:id/enrich – 2,000,000-cell cap", () => {
  let t: Awaited<ReturnType<typeof makeTable>>;
  let columnIds: string[];
  beforeAll(async () => {
    t = await makeTable({ keys: Array.from({ length: 200 }, (_, i) => `col_${i}`), rows: 10_001 });
    columnIds = Object.values(t.columns);
  });

  test('10,001 rows × 200 columns, rowIds "all" → 413, nothing created', async () => {
    const before = await snapshot(t.tableId);

    const res = await enrich(t.tableId, { columnIds, rowIds: "all" });

    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({
      code: "payload_too_large",
      details: { cells: 2_000_200, limit: 2_000_000 },
    });
    expect(await snapshot(t.tableId)).toEqual(before);
  });

  test("20,002 cells, one column also listed in upper case → 201 with 20,002 tasks", async () => {
    const res = await enrich(t.tableId, {
      columnIds: [...columnIds.slice(0, 2), columnIds[0].toUpperCase()],
      rowIds: "all",
    });

    expect(res.status).toBe(201);
    expect(res.body.totalTasks).toBe(20_002);
    expect(await getDb().cellEnrichmentTask.count({ where: { jobId: res.body.jobId } })).toBe(20_002);
  });
});

describe("POST /api/tables/:id/enrich – cells enriched again", () => {
  test("second job over a cell → the cell shows the newer task", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    const body = { columnIds: [t.columns.email] };
    const first = await enrich(t.tableId, body);

    const second = await enrich(t.tableId, body);

    expect(second.status).toBe(201);
    expect(second.body.jobId).not.toBe(first.body.jobId);
    const [newer] = await taskIdsOf(second.body.jobId);
    const [row] = await rowsApi(t.tableId);
    expect(row.cells[t.columns.email]).toEqual({ taskId: newer, status: "queued" });
  });
});
