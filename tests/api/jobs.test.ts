import "../support/no-orchestrator";
import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { getDb } from "@/lib/db";
import { runCellBatch } from "@/lib/enrichment/run-batch";
import { runCellTask } from "@/lib/enrichment/run-cell";
import { claimTasks, finishTasks } from "@/lib/enrichment/store";
import { api } from "../support/api";
import { makeTable, pool, taskIdsOf } from "../support/fixtures";

const COMPANIES = ["Fake Corp", "Demo Inc", "Sample LLC", "Placeholder Ltd", "Example Co", "Mock Industries"];

type Table = Awaited<ReturnType<typeof makeTable>>;

/** Enriches the given columns of every row. */
async function enrich(t: Table, keys: string[]) {
  const res = await api.post(`/api/tables/${t.tableId}/enrich`, { columnIds: keys.map((k) => t.columns[k]) });
  expect(res.status).toBe(201);
  return res.body.jobId as string;
}

const jobUrl = (t: Table, jobId: string) => `/api/tables/${t.tableId}/enrich/jobs/${jobId}`;
const getJob = async (t: Table, jobId: string) => (await api.get(jobUrl(t, jobId))).body;
const rowsApi = async (t: Table) => (await api.get(`/api/tables/${t.tableId}/rows?limit=1000`)).body.data;

async function taskOf(jobId: string, rowId: string, columnId: string) {
  return getDb().cellEnrichmentTask.findFirstOrThrow({ where: { jobId, rowId, columnId } });
}

/** A `flaky_` cell after its first, transient failure: claimed and still running. */
async function failFirstAttempt(taskId: string) {
  await expect(runCellTask(taskId, 1)).rejects.toThrow(/simulated transient failure/);
}

describe("GET /api/tables/:id/enrich/jobs/:jobId", () => {
  test("new job → pending, no progress, dispatch error recorded", async () => {
    const t = await makeTable({ keys: ["email"], rows: 2 });
    const jobId = await enrich(t, ["email"]);

    const res = await api.get(jobUrl(t, jobId));

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      jobId,
      tableId: t.tableId,
      status: "pending",
      totalTasks: 2,
      doneTasks: 0,
      failedTasks: 0,
      skippedTasks: 0,
      cancelledTasks: 0,
      progress: 0,
      createdAt: expect.any(String),
      startedAt: null,
      completedAt: null,
      error: expect.stringMatching(/^Could not start the job/),
      createdBy: { userId: null, apiKeyId: expect.any(String) },
      creditsSpent: 0,
      maxCredits: null,
      budgetReached: false,
      retriedAt: null,
      columnIds: [t.columns.email],
      unfinishedTasks: 2,
    });
  });

  test("columnIds: the columns of the job's cells, however they were chosen; a deleted column's id stays", async () => {
    const t = await makeTable({ keys: ["email", "company", "title"], rows: 2 });
    const byCells = await api.post(`/api/tables/${t.tableId}/enrich`, {
      cellIds: [
        { rowId: t.rowIds[0], columnId: t.columns.title.toUpperCase() },
        { rowId: t.rowIds[1], columnId: t.columns.email },
        { rowId: t.rowIds[1], columnId: t.columns.title },
      ],
    });
    expect(byCells.status).toBe(201);
    expect((await getJob(t, byCells.body.jobId)).columnIds.sort()).toEqual([t.columns.email, t.columns.title].sort());
    const byFilter = await api.post(`/api/tables/${t.tableId}/enrich`, {
      columnIds: [t.columns.company],
      rowFilter: { column: "email", op: "is_empty" },
    });
    expect(byFilter.status).toBe(201);
    expect((await getJob(t, byFilter.body.jobId)).columnIds).toEqual([t.columns.company]);
    expect((await api.delete(`/api/tables/${t.tableId}/columns/${t.columns.title}`)).status).toBe(204);
    const listed = (await api.get(`/api/tables/${t.tableId}/enrich/jobs`)).body.data;
    expect(listed.find((job: { jobId: string }) => job.jobId === byCells.body.jobId).columnIds.sort()).toEqual(
      [t.columns.email, t.columns.title].sort(),
    );
  });

  test("tasks run one by one → running, counters and rounded progress", async () => {
    const t = await makeTable({ keys: ["email"], rows: 3 });
    const jobId = await enrich(t, ["email"]);
    const [a, b, c] = await taskIdsOf(jobId);

    await runCellTask(a);
    expect(await getJob(t, jobId)).toMatchObject({ status: "running", doneTasks: 1, failedTasks: 0, progress: 33 });
    expect((await getJob(t, jobId)).startedAt).toEqual(expect.any(String));
    expect((await getJob(t, jobId)).completedAt).toBeNull();

    await runCellTask(b);
    expect(await getJob(t, jobId)).toMatchObject({ status: "running", doneTasks: 2, progress: 67 });

    await runCellTask(c);
    const done = await getJob(t, jobId);
    expect(done).toMatchObject({ status: "completed", doneTasks: 3, failedTasks: 0, progress: 100 });
    expect(done.completedAt).toEqual(expect.any(String));
  });

  test("all cells done → rows API has the fake values, rows done, cells done with confidence", async () => {
    const t = await makeTable({ keys: ["name", "email", "company"], rows: 2 });
    const jobId = await enrich(t, ["email", "company"]);

    await runCellBatch(await taskIdsOf(jobId));

    const rows = await rowsApi(t);
    for (const [i, row] of rows.entries()) {
      expect(row.data.name).toBe(`Person ${i + 1}`);
      expect(row.data.email).toBe(`fake_${row.id}@example.com`);
      expect(COMPANIES).toContain(row.data.company);
      expect(row.status).toBe("done");
      expect(row.error).toBeNull();
      expect(row.lastRunAt).toEqual(expect.any(String));
      for (const key of ["email", "company"]) {
        const cell = row.cells[t.columns[key]];
        expect(cell).toMatchObject({ taskId: (await taskOf(jobId, row.id, t.columns[key])).id, status: "done" });
        expect(cell.confidence).toBeGreaterThanOrEqual(0.6);
        expect(cell.confidence).toBeLessThanOrEqual(0.99);
      }
    }
  });

  test("every cell fails permanently → job failed, rows failed with the error", async () => {
    const t = await makeTable({ keys: ["fail_phone"], rows: 2 });
    const jobId = await enrich(t, ["fail_phone"]);

    const outcomes = await Promise.all((await taskIdsOf(jobId)).map((id) => runCellTask(id)));

    expect(outcomes.every((o) => o.status === "failed" && o.permanent)).toBe(true);
    expect(await getJob(t, jobId)).toMatchObject({ status: "failed", doneTasks: 0, failedTasks: 2, progress: 100 });
    for (const row of await rowsApi(t)) {
      expect(row).toMatchObject({ status: "failed", error: "1 of 1 cells failed", data: {} });
      expect(row.cells[t.columns.fail_phone]).toMatchObject({
        status: "failed",
        error: expect.stringMatching(/No data found/),
      });
    }
  });

  test("some cells fail → job completed, row ambiguous with the failed count", async () => {
    const t = await makeTable({ keys: ["email", "fail_phone"], rows: 1 });
    const jobId = await enrich(t, ["email", "fail_phone"]);

    await runCellBatch(await taskIdsOf(jobId));

    expect(await getJob(t, jobId)).toMatchObject({ status: "completed", doneTasks: 1, failedTasks: 1, progress: 100 });
    const [row] = await rowsApi(t);
    expect(row).toMatchObject({ status: "ambiguous", error: "1 of 2 cells failed" });
    expect(row.data).toEqual({ email: `fake_${row.id}@example.com` });
  });

  test("flaky cell → first attempt throws and the cell waits queued for its retry, second attempt succeeds", async () => {
    const t = await makeTable({ keys: ["flaky_title"], rows: 1 });
    const jobId = await enrich(t, ["flaky_title"]);
    const [taskId] = await taskIdsOf(jobId);

    await failFirstAttempt(taskId);
    expect(await getJob(t, jobId)).toMatchObject({ status: "running", doneTasks: 0, failedTasks: 0, progress: 0 });
    const [waiting] = await rowsApi(t);
    expect(waiting.status).toBe("queued");
    expect(waiting.cells[t.columns.flaky_title].status).toBe("queued");

    const outcome = await runCellTask(taskId, 2);

    expect(outcome).toMatchObject({ status: "done", alreadyFinal: false, jobStatus: "completed" });
    const task = await getDb().cellEnrichmentTask.findUniqueOrThrow({ where: { id: taskId } });
    expect(task).toMatchObject({ status: "done", attempts: 2, error: null });
    expect((await rowsApi(t))[0].status).toBe("done");
  });

  test("a final task run again → nothing changes, counted once", async () => {
    const t = await makeTable({ keys: ["email"], rows: 2 });
    const jobId = await enrich(t, ["email"]);
    const [first] = await taskIdsOf(jobId);
    await runCellTask(first);

    const again = await runCellTask(first);
    const batch = await runCellBatch([first]);

    expect(again).toMatchObject({ status: "done", alreadyFinal: true });
    expect(batch).toMatchObject([{ status: "done", alreadyFinal: true }]);
    expect(await getJob(t, jobId)).toMatchObject({ status: "running", doneTasks: 1, progress: 50 });
  });

  test("cells finishing concurrently → job ends once with exact counts", async () => {
    const t = await makeTable({ keys: ["email", "company", "fail_phone"], rows: 20 });
    const jobId = await enrich(t, ["email", "company", "fail_phone"]);

    await pool(await taskIdsOf(jobId), 16, (id) => runCellTask(id));

    const job = await getJob(t, jobId);
    expect(job).toMatchObject({ status: "completed", totalTasks: 60, doneTasks: 40, failedTasks: 20, progress: 100 });
    expect(job.completedAt).toEqual(expect.any(String));
    const rows = await rowsApi(t);
    expect(rows.every((row: { status: string }) => row.status === "ambiguous")).toBe(true);
  });

  test("job of another table → 404", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    const other = await makeTable({ keys: ["email"], rows: 1 });
    const jobId = await enrich(other, ["email"]);

    const res = await api.get(jobUrl(t, jobId));

    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
  });

  test("unknown job id → 404", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });

    expect((await api.get(jobUrl(t, randomUUID()))).status).toBe(404);
  });

  test("malformed job id → 404", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });

    const res = await api.get(jobUrl(t, "not-a-job"));

    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
  });
});

describe("GET /api/tables/:id/enrich/jobs", () => {
  test("several jobs → this table's jobs newest first, with page meta", async () => {
    const t = await makeTable({ keys: ["email", "company"], rows: 1 });
    const other = await makeTable({ keys: ["email"], rows: 1 });
    await enrich(other, ["email"]);
    const ids = [await enrich(t, ["email"]), await enrich(t, ["company"]), await enrich(t, ["email", "company"])];

    const res = await api.get(`/api/tables/${t.tableId}/enrich/jobs`);

    expect(res.status).toBe(200);
    expect(res.body.meta).toEqual({ total: 3, page: 1, limit: 20, totalPages: 1 });
    expect(res.body.data.map((j: { jobId: string }) => j.jobId)).toEqual([...ids].reverse());
    expect(res.body.data[0]).toMatchObject({ tableId: t.tableId, status: "pending", totalTasks: 2, progress: 0 });
  });

  test("page and limit → that slice of the list", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await enrich(t, ["email"]));
    const newestFirst = [...ids].reverse();

    const page2 = await api.get(`/api/tables/${t.tableId}/enrich/jobs?page=2&limit=2`);
    const page3 = await api.get(`/api/tables/${t.tableId}/enrich/jobs?page=3&limit=2`);
    const beyond = await api.get(`/api/tables/${t.tableId}/enrich/jobs?page=4&limit=2`);

    expect(page2.body.meta).toEqual({ total: 5, page: 2, limit: 2, totalPages: 3 });
    expect(page2.body.data.map((j: { jobId: string }) => j.jobId)).toEqual(newestFirst.slice(2, 4));
    expect(page3.body.data.map((j: { jobId: string }) => j.jobId)).toEqual(newestFirst.slice(4));
    expect(beyond.status).toBe(200);
    expect(beyond.body.data).toEqual([]);
  });

  test("status filter → only jobs in that status", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    const pending = await enrich(t, ["email"]);
    const cancelled = await enrich(t, ["email"]);
    await api.post(`${jobUrl(t, cancelled)}/cancel`);

    const res = await api.get(`/api/tables/${t.tableId}/enrich/jobs?status=cancelled`);

    expect(res.body.meta.total).toBe(1);
    expect(res.body.data.map((j: { jobId: string }) => j.jobId)).toEqual([cancelled]);
    expect(res.body.data.map((j: { jobId: string }) => j.jobId)).not.toContain(pending);
  });

  test("table without jobs → empty list", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });

    const res = await api.get(`/api/tables/${t.tableId}/enrich/jobs?page=1&limit=20`);

    expect(res.body).toEqual({ data: [], meta: { total: 0, page: 1, limit: 20, totalPages: 0 } });
  });

  test.each([
    "page=0",
    "page=-1",
    "page=abc",
    "page=1.5",
    "limit=0",
    "limit=101",
    "limit=ten",
    "status=done",
    "sort=asc",
  ])("bad query %s → 422", async (query) => {
    const t = await makeTable({ keys: ["email"], rows: 1 });

    const res = await api.get(`/api/tables/${t.tableId}/enrich/jobs?${query}`);

    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("validation_failed");
  });

  test("unknown table → 404", async () => {
    expect((await api.get(`/api/tables/${randomUUID()}/enrich/jobs`)).status).toBe(404);
  });
});

describe("GET /api/tables/:id/enrich/jobs/:jobId/tasks", () => {
  test("job tasks → every field, in row then column order", async () => {
    const t = await makeTable({ keys: ["email", "company"], rows: 2 });
    const jobId = await enrich(t, ["email", "company"]);
    const [first] = await taskIdsOf(jobId);
    await runCellTask(first);

    const res = await api.get(`${jobUrl(t, jobId)}/tasks`);

    expect(res.status).toBe(200);
    expect(res.body.meta).toEqual({ total: 4, page: 1, limit: 50, totalPages: 1 });
    expect(res.body.data.map((task: { rowId: string; columnKey: string }) => [task.rowId, task.columnKey])).toEqual([
      [t.rowIds[0], "email"],
      [t.rowIds[0], "company"],
      [t.rowIds[1], "email"],
      [t.rowIds[1], "company"],
    ]);
    expect(res.body.data[0]).toMatchObject({
      taskId: first,
      rowId: t.rowIds[0],
      columnId: t.columns.email,
      columnKey: "email",
      columnLabel: "email",
      status: "done",
      result: { value: `fake_${t.rowIds[0]}@example.com`, source: "fake-email-finder" },
      confidence: expect.any(Number),
      error: null,
      attempts: 1,
      createdAt: expect.any(String),
      startedAt: expect.any(String),
      completedAt: expect.any(String),
    });
    expect(res.body.data[1]).toMatchObject({
      status: "queued",
      result: null,
      confidence: null,
      attempts: 0,
      startedAt: null,
      completedAt: null,
    });
  });

  test("status=failed → only the failed tasks, with their errors", async () => {
    const t = await makeTable({ keys: ["email", "fail_phone"], rows: 3 });
    const jobId = await enrich(t, ["email", "fail_phone"]);
    await runCellBatch(await taskIdsOf(jobId));

    const res = await api.get(`${jobUrl(t, jobId)}/tasks?status=failed&page=1&limit=50`);

    expect(res.body.meta.total).toBe(3);
    expect(res.body.data).toHaveLength(3);
    for (const task of res.body.data) {
      expect(task).toMatchObject({
        columnKey: "fail_phone",
        status: "failed",
        error: expect.stringMatching(/No data found/),
      });
    }
  });

  test("page and limit → that slice of the tasks", async () => {
    const t = await makeTable({ keys: ["email"], rows: 5 });
    const jobId = await enrich(t, ["email"]);
    const ids = await taskIdsOf(jobId);

    const res = await api.get(`${jobUrl(t, jobId)}/tasks?page=2&limit=2`);

    expect(res.body.meta).toEqual({ total: 5, page: 2, limit: 2, totalPages: 3 });
    expect(res.body.data.map((task: { taskId: string }) => task.taskId)).toEqual(ids.slice(2, 4));
  });

  test.each(["status=cancelled", "status=DONE", "page=0", "limit=1001", "limit=x", "jobId=1"])(
    "bad query %s → 422",
    async (query) => {
      const t = await makeTable({ keys: ["email"], rows: 1 });
      const jobId = await enrich(t, ["email"]);

      const res = await api.get(`${jobUrl(t, jobId)}/tasks?${query}`);

      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
    },
  );

  test("job of another table → 404", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    const other = await makeTable({ keys: ["email"], rows: 1 });
    const jobId = await enrich(other, ["email"]);

    expect((await api.get(`${jobUrl(t, jobId)}/tasks`)).status).toBe(404);
  });
});

describe("POST /api/tables/:id/enrich/jobs/:jobId/cancel", () => {
  test("queued cells → failed 'cancelled', a cell waiting to retry too (at once: no attempt is under way); job cancelled", async () => {
    const t = await makeTable({ keys: ["flaky_title"], rows: 3 });
    const jobId = await enrich(t, ["flaky_title"]);
    const [waiting, ...queued] = await taskIdsOf(jobId);
    await failFirstAttempt(waiting);

    const res = await api.post(`${jobUrl(t, jobId)}/cancel`);

    expect(res.status).toBe(200);
    // The cell waiting for its retry ends with the queued ones: it stayed running (spinning in
    // the grid, the job's numbers moving) until its retry's backoff ended.
    expect(res.body).toMatchObject({
      jobId,
      status: "cancelled",
      totalTasks: 3,
      doneTasks: 0,
      failedTasks: 3,
      cancelledTasks: 3,
      progress: 100,
      unfinishedTasks: 0,
    });
    expect(res.body.completedAt).toEqual(expect.any(String));
    for (const [id, attempts] of [[waiting, 1], ...queued.map((id) => [id, 0])] as [string, number][]) {
      expect(await getDb().cellEnrichmentTask.findUniqueOrThrow({ where: { id } })).toMatchObject({
        status: "failed",
        error: "cancelled",
        attempts,
      });
    }
    // The cancelled cells never ran to an end before: they say "cancelled", and no row counts them as failed.
    for (const row of await rowsApi(t)) {
      expect(row).toMatchObject({ status: "idle", error: null });
      expect(row.cells[t.columns.flaky_title]).toMatchObject({ status: "failed", error: "cancelled" });
      expect(row.data.flaky_title).toBeUndefined();
    }

    // Its retry comes after the cancel: no second attempt (no provider call).
    const outcome = await runCellTask(waiting, 2);
    expect(outcome).toMatchObject({ status: "failed", alreadyFinal: true, error: "cancelled" });
    expect(await getDb().cellEnrichmentTask.findUniqueOrThrow({ where: { id: waiting } })).toMatchObject({
      attempts: 1,
    });
    // A batch's retry of such cells does the same, counted once.
    expect((await runCellBatch([waiting], 3))[0]).toMatchObject({ status: "failed", alreadyFinal: true });
    expect(await getJob(t, jobId)).toMatchObject({ failedTasks: 3, cancelledTasks: 3 });
  });

  test("an attempt under way when the job is cancelled ends after it (its numbers move until unfinishedTasks is 0)", async () => {
    const t = await makeTable({ keys: ["flaky_title"], rows: 2 });
    const jobId = await enrich(t, ["flaky_title"]);
    const [underWay] = await taskIdsOf(jobId);
    await claimTasks([underWay]);
    const res = await api.post(`${jobUrl(t, jobId)}/cancel`);
    expect(res.body).toMatchObject({ status: "cancelled", failedTasks: 1, cancelledTasks: 1, unfinishedTasks: 1 });
    expect((await rowsApi(t))[0].status).toBe("running");
  });

  test("two runs of the same cells, the newer cancelled: the older one's values land, whether it ended before or after the cancel", async () => {
    const t = await makeTable({ keys: ["name", "email"], rows: 4 });
    const older = await enrich(t, ["email"]);
    const newer = await enrich(t, ["email"]);
    const olderTasks = await taskIdsOf(older);
    // The older run finishes two cells while the newer one holds them (their values wait)…
    await runCellBatch(olderTasks.slice(0, 2));
    expect((await rowsApi(t)).every((row: { data: { email?: string } }) => row.data.email === undefined)).toBe(true);
    expect((await api.post(`${jobUrl(t, newer)}/cancel`)).status).toBe(200);
    // … and the other two after the cancel.
    await runCellBatch(olderTasks.slice(2));
    expect(await getJob(t, older)).toMatchObject({ status: "completed", doneTasks: 4 });
    expect(await getJob(t, newer)).toMatchObject({ status: "cancelled", cancelledTasks: 4 });
    for (const row of await rowsApi(t)) {
      expect(row.data.email).toBe(`fake_${row.id}@example.com`);
      expect(row.status).toBe("done");
      expect(olderTasks).toContain(row.cells[t.columns.email as string].taskId);
      expect(row.cells[t.columns.email as string].status).toBe("done");
    }
  });

  test("cancelling a re-run leaves its cells as the run before left them: done with their values, not failed", async () => {
    const t = await makeTable({ keys: ["name", "email", "fail_phone"], rows: 3 });
    const first = await enrich(t, ["email", "fail_phone"]);
    await runCellBatch(await taskIdsOf(first));
    const before = await rowsApi(t);
    const again = await enrich(t, ["email", "fail_phone"]);
    // One cell of the re-run runs (and fails again) before the cancel.
    const { id: ran } = await getDb().cellEnrichmentTask.findFirstOrThrow({
      where: { jobId: again, rowId: t.rowIds[0], columnId: t.columns.fail_phone },
    });
    await runCellBatch([ran]);
    const res = await api.post(`${jobUrl(t, again)}/cancel`);
    expect(res.body).toMatchObject({ status: "cancelled", doneTasks: 0, failedTasks: 6, cancelledTasks: 5 });
    const after = await rowsApi(t);
    for (const [i, row] of after.entries()) {
      const was = before[i];
      expect(row.data).toEqual(was.data);
      expect(row.status).toBe(was.status); // ambiguous: a done email and a failed phone
      // The one cell that ran again holds its new (failed) state; the others their old ones.
      for (const column of [t.columns.email, t.columns.fail_phone]) {
        const cell = row.cells[column as string];
        if (cell.taskId === ran) expect(cell).toMatchObject({ status: "failed" });
        else expect(cell).toEqual(was.cells[column as string]);
      }
    }
    // Only the cell that failed for real is retried; the cancelled ones are enriched again by choice.
    const retry = await api.post(`${jobUrl(t, again)}/retry`);
    expect(retry.status).toBe(201);
    expect(retry.body.totalTasks).toBe(1);
  });

  test("a cancelled re-run of a cell whose found value was typed over by hand leaves the typed value without a state (it showed the old run's done state over it)", async () => {
    const t = await makeTable({ keys: ["name", "email"], rows: 2 });
    const first = await enrich(t, ["email"]);
    await runCellBatch(await taskIdsOf(first));
    const patched = await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`, {
      data: { email: "typed@by.hand" },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.cells[t.columns.email as string]).toBeUndefined();
    const again = await enrich(t, ["email"]);
    expect((await api.post(`${jobUrl(t, again)}/cancel`)).status).toBe(200);
    const [typed, other] = await rowsApi(t);
    expect(typed.data.email).toBe("typed@by.hand");
    expect(typed.cells[t.columns.email as string]).toBeUndefined();
    // The other row's cell goes back to its run's done state, as before.
    expect(other.cells[t.columns.email as string]).toMatchObject({ status: "done", provider: "demo" });
  });

  test("an attempt under way when the job is cancelled still records its result", async () => {
    const t = await makeTable({ keys: ["email"], rows: 2 });
    const jobId = await enrich(t, ["email"]);
    const [first] = await taskIdsOf(jobId);
    const [claimed] = await claimTasks([first]);
    expect(claimed?.taskId).toBe(first);
    expect((await api.post(`${jobUrl(t, jobId)}/cancel`)).status).toBe(200);
    const [finished] = await finishTasks([
      { taskId: first, status: "done", value: "x@y.z", confidence: 0.9, source: "demo", provider: "demo" },
    ]);
    expect(finished?.taskId).toBe(first);
    expect(await getJob(t, jobId)).toMatchObject({ status: "cancelled", doneTasks: 1, failedTasks: 1 });
  });

  test("cancel while cells are finishing → counts still add up to the total", async () => {
    const t = await makeTable({ keys: ["email"], rows: 30 });
    const jobId = await enrich(t, ["email"]);
    let finished = 0;

    await pool(await taskIdsOf(jobId), 4, async (id) => {
      await runCellTask(id);
      if (++finished === 5) expect((await api.post(`${jobUrl(t, jobId)}/cancel`)).status).toBe(200);
    });

    const tasks = await getDb().cellEnrichmentTask.groupBy({ by: ["status"], where: { jobId }, _count: true });
    const count = (status: string) => tasks.find((g) => g.status === status)?._count ?? 0;
    expect(count("queued") + count("running")).toBe(0);
    expect(count("done")).toBeGreaterThanOrEqual(5);
    expect(count("failed")).toBeGreaterThan(0);
    expect(await getJob(t, jobId)).toMatchObject({
      status: "cancelled",
      doneTasks: count("done"),
      failedTasks: count("failed"),
      progress: 100,
    });
  });

  test("cancelled cells → not run by the engine any more", async () => {
    const t = await makeTable({ keys: ["email"], rows: 2 });
    const jobId = await enrich(t, ["email"]);
    await api.post(`${jobUrl(t, jobId)}/cancel`);

    const outcomes = await runCellBatch(await taskIdsOf(jobId));

    expect(outcomes.map((o) => [o.status, o.alreadyFinal, o.error])).toEqual([
      ["failed", true, "cancelled"],
      ["failed", true, "cancelled"],
    ]);
    expect((await rowsApi(t)).map((row: { data: object }) => row.data)).toEqual([{}, {}]);
    expect(await getJob(t, jobId)).toMatchObject({ status: "cancelled", doneTasks: 0, failedTasks: 2 });
  });

  test("already cancelled job → 409", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    const jobId = await enrich(t, ["email"]);
    await api.post(`${jobUrl(t, jobId)}/cancel`);

    const res = await api.post(`${jobUrl(t, jobId)}/cancel`);

    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: "conflict", details: { status: "cancelled" } });
  });

  test("completed job → 409, nothing changes", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    const jobId = await enrich(t, ["email"]);
    await runCellBatch(await taskIdsOf(jobId));

    const res = await api.post(`${jobUrl(t, jobId)}/cancel`);

    expect(res.status).toBe(409);
    expect(await getJob(t, jobId)).toMatchObject({ status: "completed", doneTasks: 1, failedTasks: 0 });
  });

  test("job of another table → 404, job keeps running", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    const other = await makeTable({ keys: ["email"], rows: 1 });
    const jobId = await enrich(other, ["email"]);

    const res = await api.post(`${jobUrl(t, jobId)}/cancel`);

    expect(res.status).toBe(404);
    expect(await getJob(other, jobId)).toMatchObject({ status: "pending", failedTasks: 0 });
  });

  test("unknown or malformed job id → 404", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });

    expect((await api.post(`${jobUrl(t, randomUUID())}/cancel`)).status).toBe(404);
    expect((await api.post(`${jobUrl(t, "nope")}/cancel`)).status).toBe(404);
  });
});

describe("POST /api/tables/:id/enrich/jobs/:jobId/retry", () => {
  test("job with failed cells → 201, a new job for exactly those cells", async () => {
    const t = await makeTable({ keys: ["email", "fail_phone"], rows: 2 });
    const jobId = await enrich(t, ["email", "fail_phone"]);
    await runCellBatch(await taskIdsOf(jobId));

    // How many cells it would run (GET, read permission): the two failed ones.
    expect((await api.get(`${jobUrl(t, jobId)}/retry`)).body).toEqual({ cells: 2 });
    // What it would cost first: the two failed cells, nothing created.
    const jobsBefore = await getDb().enrichmentJob.count();
    const estimate = await api.post(`${jobUrl(t, jobId)}/retry/estimate`);
    expect(estimate.status).toBe(200);
    expect(estimate.body).toMatchObject({ cells: 2, byColumn: [{ columnId: t.columns.fail_phone, cells: 2 }] });
    expect(estimate.body.needsConfirmation).toEqual(expect.any(Boolean));
    expect(await getDb().enrichmentJob.count()).toBe(jobsBefore);

    const res = await api.post(`${jobUrl(t, jobId)}/retry`);

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ tableId: t.tableId, status: "pending", totalTasks: 2, retryOf: jobId });
    // Retried: nothing is left to price (as the retry itself would say).
    const after = await api.post(`${jobUrl(t, jobId)}/retry/estimate`);
    expect(after.status).toBe(409);
    expect(after.body.error.message).toMatch(/no failed cells to retry/);
    expect((await api.get(`${jobUrl(t, jobId)}/retry`)).body).toEqual({ cells: 0 });
    const other = await makeTable({ keys: ["email"], rows: 1 });
    expect((await api.post(`/api/tables/${other.tableId}/enrich/jobs/${jobId}/retry/estimate`)).status).toBe(404);
    expect((await api.get(`/api/tables/${other.tableId}/enrich/jobs/${jobId}/retry`)).status).toBe(404);
    expect(res.body.jobId).not.toBe(jobId);
    expect(res.body.message).toMatch(/^Created 2 enrichment tasks to retry the failed cells/);
    expect(res.body.error).toMatch(/^Could not start the job/);
    // The retried job says so (the grid offers no second retry); the retry itself does not.
    expect((await api.get(jobUrl(t, jobId))).body.retriedAt).toEqual(expect.any(String));
    expect((await api.get(jobUrl(t, res.body.jobId))).body.retriedAt).toBeNull();
    // The retry's cells are in the one column that failed.
    expect((await api.get(jobUrl(t, jobId))).body.columnIds).toEqual([t.columns.email, t.columns.fail_phone]);
    expect((await api.get(jobUrl(t, res.body.jobId))).body.columnIds).toEqual([t.columns.fail_phone]);
    const tasks = await getDb().cellEnrichmentTask.findMany({
      where: { jobId: res.body.jobId },
      orderBy: { ordinal: "asc" },
    });
    expect(tasks.map((task) => [task.rowId, task.columnId, task.status])).toEqual(
      t.rowIds.map((rowId) => [rowId, t.columns.fail_phone, "queued"]),
    );
    for (const row of await rowsApi(t)) {
      expect(row.status).toBe("queued");
      expect(row.cells[t.columns.email].status).toBe("done");
      expect(row.cells[t.columns.fail_phone]).toEqual({
        taskId: tasks.find((task) => task.rowId === row.id)?.id,
        status: "queued",
      });
    }
  });

  test("cancelled job → retry is for cells that failed, not those the cancel ended (409 when none failed); they are enriched again", async () => {
    const t = await makeTable({ keys: ["email"], rows: 3 });
    const jobId = await enrich(t, ["email"]);
    const [first] = await taskIdsOf(jobId);
    await runCellTask(first);
    await api.post(`${jobUrl(t, jobId)}/cancel`);

    const res = await api.post(`${jobUrl(t, jobId)}/retry`);

    expect(res.status).toBe(409);
    const again = await enrich(t, ["email"]);
    await runCellBatch(await taskIdsOf(again));
    const rows = await rowsApi(t);
    expect(rows.map((row: { status: string }) => row.status)).toEqual(["done", "done", "done"]);
    expect(
      rows.map((row: { id: string; data: { email: string } }) => row.data.email === `fake_${row.id}@example.com`),
    ).toEqual([true, true, true]);
  });

  test("three retries of the same job at once: one new job, the others 409; no cell queued twice", async () => {
    for (let i = 0; i < 3; i++) {
      const t = await makeTable({ keys: ["email", "fail_phone"], rows: 3 });
      const jobId = await enrich(t, ["email", "fail_phone"]);
      await runCellBatch(await taskIdsOf(jobId));
      const tries = await Promise.all([1, 2, 3].map(() => api.post(`${jobUrl(t, jobId)}/retry`)));
      expect(tries.map((r) => r.status).sort(), `round ${i}`).toEqual([201, 409, 409]);
      for (const refused of tries.filter((r) => r.status === 409)) {
        expect(refused.body.error.message).toMatch(/no failed cells to retry/);
      }
      const jobs = await getDb().enrichmentJob.count({ where: { tableId: t.tableId } });
      expect(jobs).toBe(2);
      const queued = await getDb().cellEnrichmentTask.count({ where: { tableId: t.tableId, status: "queued" } });
      expect(queued).toBe(3);
    }
  });

  test("no failed cells → 409, no job created", async () => {
    const t = await makeTable({ keys: ["email"], rows: 2 });
    const jobId = await enrich(t, ["email"]);
    await runCellBatch(await taskIdsOf(jobId));
    const jobsBefore = await getDb().enrichmentJob.count();

    const res = await api.post(`${jobUrl(t, jobId)}/retry`);

    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("conflict");
    expect(await getDb().enrichmentJob.count()).toBe(jobsBefore);
  });

  test("retrying twice, or after a later job ran the cell, never queues a cell again → 409", async () => {
    const t = await makeTable({ keys: ["fail_phone", "fail_fax"], rows: 2 });
    const jobId = await enrich(t, ["fail_phone", "fail_fax"]);
    await runCellBatch(await taskIdsOf(jobId));
    // A later job runs one of the failed cells (row 1's fax) again.
    const later = await api.post(`/api/tables/${t.tableId}/enrich`, {
      cellIds: [{ rowId: t.rowIds[0], columnId: t.columns.fail_fax }],
    });
    expect(later.status).toBe(201);

    const first = await api.post(`${jobUrl(t, jobId)}/retry`);
    expect(first.status).toBe(201);
    expect(first.body.totalTasks).toBe(3);
    const jobsBefore = await getDb().enrichmentJob.count();
    const again = await api.post(`${jobUrl(t, jobId)}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/run again since/);
    expect(await getDb().enrichmentJob.count()).toBe(jobsBefore);
  });

  test("job of another table → 404", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    const other = await makeTable({ keys: ["fail_phone"], rows: 1 });
    const jobId = await enrich(other, ["fail_phone"]);
    await runCellBatch(await taskIdsOf(jobId));

    expect((await api.post(`${jobUrl(t, jobId)}/retry`)).status).toBe(404);
  });
});

describe("POST /api/tables/:id/enrich/jobs/:jobId/dispatch", () => {
  test("pending job, orchestrator still unreachable → stays pending with the error", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    const jobId = await enrich(t, ["email"]);

    const res = await api.post(`${jobUrl(t, jobId)}/dispatch`);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      jobId,
      status: "pending",
      error: expect.stringMatching(/^Could not start the job/),
    });
    expect(res.body.message).toMatch(/Could not start the job/);
  });

  test("completed job → left alone, says so", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    const jobId = await enrich(t, ["email"]);
    await runCellBatch(await taskIdsOf(jobId));

    const res = await api.post(`${jobUrl(t, jobId)}/dispatch`);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "completed", message: "The job is already completed" });
  });
});

describe("stale tasks", () => {
  test("an older task finishing after a newer job queued the cell → the cell keeps the newer task", async () => {
    const t = await makeTable({ keys: ["flaky_bio"], rows: 1 });
    const oldJob = await enrich(t, ["flaky_bio"]);
    const [oldTask] = await taskIdsOf(oldJob);
    await failFirstAttempt(oldTask);
    const newJob = await enrich(t, ["flaky_bio"]);
    const [newTask] = await taskIdsOf(newJob);

    await runCellTask(oldTask, 2);

    expect(await getJob(t, oldJob)).toMatchObject({ status: "completed", doneTasks: 1 });
    const [row] = await rowsApi(t);
    expect(row.status).toBe("queued");
    expect(row.cells[t.columns.flaky_bio]).toEqual({ taskId: newTask, status: "queued" });
    expect(row.data).toEqual({});
  });
});

describe("GET /api/tables/:id/enrich/jobs/:jobId/tasks – row labels", () => {
  test("each task names its row by the table's first column", async () => {
    const t = await makeTable({ keys: ["name", "email"], rows: 2 });
    const jobId = await enrich(t, ["email"]);
    const res = await api.get(`${jobUrl(t, jobId)}/tasks`);
    expect(res.status).toBe(200);
    expect(res.body.data.map((task: { rowLabel: string }) => task.rowLabel)).toEqual(["Person 1", "Person 2"]);
  });

  test("an empty first column does not leave rows unnamed: the first column with a value names them", async () => {
    const t = await makeTable({ keys: ["mobile", "name", "email"], rows: 2 });
    await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[1]}`, { data: { mobile: "  " } });
    const jobId = await enrich(t, ["email"]);
    const res = await api.get(`${jobUrl(t, jobId)}/tasks`);
    expect(res.body.data.map((task: { rowLabel: string }) => task.rowLabel)).toEqual(["Person 1", "Person 2"]);
  });
});
