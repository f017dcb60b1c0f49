import { beforeAll, describe, expect, test } from "vitest";
import { getDb } from "@/lib/db";
import { createEnrichmentJob } from "@/lib/enrichment/create-job";
import { retryFailedCells } from "@/lib/enrichment/enrich";
import { cancelJob } from "@/lib/enrichment/jobs";
import { unfinishedTaskIds } from "@/lib/enrichment/orchestration";
import { demoConfidence, demoValue } from "@/lib/enrichment/providers/demo-values";
import { runCellBatch } from "@/lib/enrichment/run-batch";
import { runCellTask } from "@/lib/enrichment/run-cell";
import { tasksStillToRun } from "@/lib/enrichment/settle-unclaimed";
import { claimTasks, finishTasks, markJobCancelled } from "@/lib/enrichment/store";
import { deleteTable } from "@/lib/tables/tables";
import { jobOf, makeTable, offlineOrchestrator as orchestrator, pool, rowsOf, taskIdsOf } from "../support/fixtures";

beforeAll(() => {
  delete process.env.GLAZE_PROVIDER_LATENCY_MS;
});

/** Runs a cell the way the orchestrator does: retry on transient errors, up to 3 attempts. */
async function runWithRetries(taskId: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runCellTask(taskId, attempt);
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

async function gridJob(tableId: string, columnIds: string[], rowIds: string[] | "all" = "all") {
  return createEnrichmentJob({ tableId, source: { mode: "grid", columnIds, rowIds } });
}

describe("runCellTask", () => {
  test("writes the value, the task result, the row status and the job counters", async () => {
    const t = await makeTable({ keys: ["name", "email"], rows: 1 });
    const job = await gridJob(t.tableId, [t.columns.email]);
    const [taskId] = await taskIdsOf(job.jobId);
    const outcome = await runCellTask(taskId, 1);
    const rowId = t.rowIds[0];
    expect(outcome).toMatchObject({ status: "done", value: `fake_${rowId}@example.com`, alreadyFinal: false });
    const task = await getDb().cellEnrichmentTask.findUniqueOrThrow({ where: { id: taskId } });
    expect(task).toMatchObject({
      status: "done",
      attempts: 1,
      confidence: demoConfidence(rowId, "email"),
      error: null,
    });
    expect(task.result).toMatchObject({ value: `fake_${rowId}@example.com`, source: "fake-email-finder" });
    expect(typeof (task.result as { timestamp: string }).timestamp).toBe("string");
    expect(task.startedAt).not.toBeNull();
    expect(task.completedAt).not.toBeNull();
    const [row] = await rowsOf(t.tableId);
    expect(row.data).toEqual({ name: "Person 1", email: `fake_${rowId}@example.com` });
    expect(row).toMatchObject({ status: "done", confidence: demoConfidence(rowId, "email") });
    expect(row.lastRunAt).not.toBeNull();
    expect(await jobOf(job.jobId)).toMatchObject({ status: "completed", doneTasks: 1, failedTasks: 0 });
  });

  test("fake values are deterministic per cell and follow the column key rules in order", () => {
    expect(demoValue("r1", "work_email").value).toBe("fake_r1@example.com");
    expect(demoValue("r1", "company_name")).toEqual(demoValue("r1", "company_name"));
    expect(["Fake Corp", "Demo Inc", "Sample LLC", "Placeholder Ltd", "Example Co", "Mock Industries"]).toContain(
      demoValue("r1", "company").value,
    );
    // "email" wins over "company" because it comes first.
    expect(demoValue("r9", "company_email").value).toBe("fake_r9@example.com");
    expect(demoValue("r1", "linkedin_url").value).toBe("https://linkedin.com/in/fake-user-r1");
    expect(demoValue("r1", "bio").value).toBe("This is a fake bio for row r1...");
    expect(String(demoValue("r1", "phone").value)).toMatch(/^\+1-555-\d{4}$/);
    expect(String(demoValue("r1", "revenue").value)).toMatch(/^\$\d+M$/);
    const employees = Number(demoValue("r1", "employees").value);
    expect(employees).toBeGreaterThanOrEqual(50);
    expect(employees).toBeLessThanOrEqual(5000);
    expect(demoValue("r1", "favourite_colour").value).toBe("Enriched: favourite_colour (r1)");
    expect(demoConfidence("r1", "x")).toBe(demoConfidence("r1", "x"));
  });

  test("a cell whose table was deleted ends quietly (failed, already final, permanent): nothing to retry", async () => {
    const t = await makeTable({ keys: ["name", "email"], rows: 1 });
    const job = await gridJob(t.tableId, [t.columns.email]);
    const [taskId] = await taskIdsOf(job.jobId);
    await deleteTable({ tableId: t.tableId });
    expect(await getDb().cellEnrichmentTask.count({ where: { id: taskId } })).toBe(0);
    expect(await runCellTask(taskId, 1)).toMatchObject({
      status: "failed",
      alreadyFinal: true,
      permanent: true,
      error: "deleted",
    });
  });

  test("tasksStillToRun: the cells still waiting or running; a cancelled job's are settled, none left to step through", async () => {
    const t = await makeTable({ keys: ["name", "email"], rows: 3 });
    const job = await gridJob(t.tableId, [t.columns.email]);
    const ids = await taskIdsOf(job.jobId);
    await runCellTask(ids[0], 1);
    expect(await tasksStillToRun(ids)).toEqual(ids.slice(1));
    await markJobCancelled({ tableId: t.tableId, jobId: job.jobId });
    expect(await tasksStillToRun(ids)).toEqual([]);
    expect(await jobOf(job.jobId)).toMatchObject({ status: "cancelled", doneTasks: 1, cancelledTasks: 2 });
  });

  test("flaky_ fails its first attempt (rethrown for a retry) and succeeds on the second with attempts = 2", async () => {
    const t = await makeTable({ keys: ["flaky_title"], rows: 1 });
    const job = await gridJob(t.tableId, [t.columns.flaky_title]);
    const [taskId] = await taskIdsOf(job.jobId);
    await expect(runCellTask(taskId, 1)).rejects.toThrow(/simulated transient failure/);
    // Between attempts it waits queued (no attempt is under way), the failure noted.
    const between = await getDb().cellEnrichmentTask.findUniqueOrThrow({ where: { id: taskId } });
    expect(between).toMatchObject({ status: "queued", attempts: 1 });
    expect(between.error).toMatch(/Attempt 1 failed/);
    const state = (await rowsOf(t.tableId))[0]?.cellStates as Record<string, { s: string }>;
    expect(state[t.columns.flaky_title]).toMatchObject({ s: "queued" });
    expect((await jobOf(job.jobId)).doneTasks).toBe(0);
    const outcome = await runCellTask(taskId, 2);
    expect(outcome.status).toBe("done");
    expect(await getDb().cellEnrichmentTask.findUniqueOrThrow({ where: { id: taskId } })).toMatchObject({
      status: "done",
      attempts: 2,
      error: null,
    });
  });

  test("a transient error on the last attempt ends the task failed", async () => {
    const t = await makeTable({ keys: ["flaky_title"], rows: 1 });
    const job = await gridJob(t.tableId, [t.columns.flaky_title]);
    const [taskId] = await taskIdsOf(job.jobId);
    const outcome = await runCellTask(taskId, 1, { maxAttempts: 1 });
    expect(outcome).toMatchObject({ status: "failed", permanent: false });
    expect(await jobOf(job.jobId)).toMatchObject({ status: "failed", failedTasks: 1 });
  });

  test("fail_ fails permanently on the first attempt; a job whose every task failed ends failed", async () => {
    const t = await makeTable({ keys: ["fail_phone"], rows: 2 });
    const job = await gridJob(t.tableId, [t.columns.fail_phone]);
    const outcomes = await Promise.all((await taskIdsOf(job.jobId)).map((id) => runCellTask(id, 1)));
    expect(outcomes.every((o) => o.status === "failed" && o.permanent)).toBe(true);
    expect(await jobOf(job.jobId)).toMatchObject({ status: "failed", doneTasks: 0, failedTasks: 2 });
    const rows = await rowsOf(t.tableId);
    expect(rows.map((r) => r.status)).toEqual(["failed", "failed"]);
    expect(rows[0].data).toEqual({});
  });

  test("running an already-final task again changes nothing", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    const job = await gridJob(t.tableId, [t.columns.email]);
    const [taskId] = await taskIdsOf(job.jobId);
    await runCellTask(taskId, 1);
    const before = await getDb().cellEnrichmentTask.findUniqueOrThrow({ where: { id: taskId } });
    const rowBefore = (await rowsOf(t.tableId))[0];
    const again = await Promise.all([runCellTask(taskId, 1), runCellTask(taskId, 2), runCellBatch([taskId])]);
    expect(again[0]).toMatchObject({ alreadyFinal: true, status: "done" });
    expect(again[2][0]).toMatchObject({ alreadyFinal: true, status: "done" });
    expect(await getDb().cellEnrichmentTask.findUniqueOrThrow({ where: { id: taskId } })).toEqual(before);
    expect((await rowsOf(t.tableId))[0]).toEqual(rowBefore);
    expect(await jobOf(job.jobId)).toMatchObject({ doneTasks: 1, failedTasks: 0, status: "completed" });
  });
});

describe("row status is derived from the latest task of each cell", () => {
  test("idle, queued, running, done, failed and ambiguous", async () => {
    const t = await makeTable({ keys: ["email", "company", "fail_x"], rows: 6 });
    const [idle, queued, running, done, failed, ambiguous] = t.rowIds;
    const job = await createEnrichmentJob({
      tableId: t.tableId,
      source: {
        mode: "cells",
        cells: [
          { rowId: queued, columnId: t.columns.email },
          { rowId: running, columnId: t.columns.email },
          { rowId: running, columnId: t.columns.company },
          { rowId: done, columnId: t.columns.email },
          { rowId: done, columnId: t.columns.company },
          { rowId: failed, columnId: t.columns.fail_x },
          { rowId: ambiguous, columnId: t.columns.email },
          { rowId: ambiguous, columnId: t.columns.fail_x },
        ],
      },
    });
    const tasks = await getDb().cellEnrichmentTask.findMany({ where: { jobId: job.jobId } });
    const byRow = (rowId: string) => tasks.filter((x) => x.rowId === rowId).map((x) => x.id);
    expect((await rowsOf(t.tableId)).map((r) => r.status)).toEqual([
      "idle",
      "queued",
      "queued",
      "queued",
      "queued",
      "queued",
    ]);
    // "running": one cell running, the other still queued → running wins.
    await claimTasks([byRow(running)[0]]);
    for (const id of [...byRow(done), ...byRow(failed), ...byRow(ambiguous)]) await runCellTask(id, 1);
    const status = Object.fromEntries((await rowsOf(t.tableId)).map((r) => [r.id, r.status]));
    expect(status[idle]).toBe("idle");
    expect(status[queued]).toBe("queued");
    expect(status[running]).toBe("running");
    expect(status[done]).toBe("done");
    expect(status[failed]).toBe("failed");
    expect(status[ambiguous]).toBe("ambiguous");
    const rows = await rowsOf(t.tableId);
    const doneRow = rows.find((r) => r.id === done);
    expect(doneRow?.confidence).toBeCloseTo((demoConfidence(done, "email") + demoConfidence(done, "company")) / 2, 10);
    expect(rows.find((r) => r.id === ambiguous)?.confidence).toBeCloseTo(demoConfidence(ambiguous, "email"), 10);
    expect(rows.find((r) => r.id === ambiguous)?.error).toBe("1 of 2 cells failed");
  });

  test("a new job makes the cell queued again, and a stale older task finishing late does not overwrite it", async () => {
    const t = await makeTable({ keys: ["email"], rows: 1 });
    const first = await gridJob(t.tableId, [t.columns.email]);
    const [oldTask] = await taskIdsOf(first.jobId);
    const second = await gridJob(t.tableId, [t.columns.email]);
    expect((await rowsOf(t.tableId))[0].status).toBe("queued");
    await runCellTask(oldTask, 1); // the old task completes after the newer one was queued
    const [row] = await rowsOf(t.tableId);
    expect(row.status).toBe("queued");
    expect(row.data).toEqual({});
    expect((await jobOf(first.jobId)).status).toBe("completed");
    const [newTask] = await taskIdsOf(second.jobId);
    await runCellTask(newTask, 1);
    expect((await rowsOf(t.tableId))[0]).toMatchObject({
      status: "done",
      data: { email: `fake_${t.rowIds[0]}@example.com` },
    });
  });
});

describe("concurrency", () => {
  test("50 concurrent runCellTask calls over 10 rows × 5 columns lose nothing and count exactly", async () => {
    const keys = ["email", "company", "title", "location", "fail_phone"];
    const t = await makeTable({ keys: ["name", ...keys], rows: 10 });
    const job = await gridJob(
      t.tableId,
      keys.map((k) => t.columns[k]),
    );
    const ids = await taskIdsOf(job.jobId);
    expect(ids).toHaveLength(50);
    // Shuffle so cells of the same row finish at the same time.
    const shuffled = [...ids].sort(() => Math.random() - 0.5);
    await Promise.all(shuffled.map((id) => runWithRetries(id)));
    const rows = await rowsOf(t.tableId);
    for (const row of rows) {
      expect(Object.keys(row.data as object).sort()).toEqual(["company", "email", "location", "name", "title"]);
      expect((row.data as Record<string, unknown>).email).toBe(`fake_${row.id}@example.com`);
      expect(row.status).toBe("ambiguous");
    }
    expect(await jobOf(job.jobId)).toMatchObject({
      status: "completed",
      doneTasks: 40,
      failedTasks: 10,
      totalTasks: 50,
    });
    const counts = await getDb().cellEnrichmentTask.groupBy({
      by: ["status"],
      where: { jobId: job.jobId },
      _count: true,
    });
    expect(Object.fromEntries(counts.map((c) => [c.status, c._count]))).toEqual({ done: 40, failed: 10 });
  });

  test("batches and single cells racing over the same rows still count each task once", async () => {
    const keys = ["email", "company", "title", "industry"];
    const t = await makeTable({ keys, rows: 20 });
    const job = await gridJob(
      t.tableId,
      keys.map((k) => t.columns[k]),
    );
    const ids = await taskIdsOf(job.jobId);
    // Every task is attempted by a batch AND by a single-cell call at the same time, and some twice.
    const batches = Array.from({ length: 8 }, (_, i) => ids.slice(i * 10, i * 10 + 10));
    await Promise.all([
      ...batches.map((b) => runCellBatch(b)),
      pool(ids, 16, (id) => runCellTask(id, 1)),
      runCellBatch(ids.slice(0, 40)),
    ]);
    expect(await jobOf(job.jobId)).toMatchObject({ status: "completed", doneTasks: 80, failedTasks: 0 });
    for (const row of await rowsOf(t.tableId)) {
      expect(Object.keys(row.data as object).sort()).toEqual(["company", "email", "industry", "title"]);
      expect(row.status).toBe("done");
    }
    // Retrying a completed batch changes nothing.
    const again = await runCellBatch(ids.slice(0, 10));
    expect(again.every((o) => o.alreadyFinal && o.status === "done")).toBe(true);
    expect(await jobOf(job.jobId)).toMatchObject({ doneTasks: 80, failedTasks: 0 });
  });

  test("two jobs over the same cells racing: every task counted once in its own job", async () => {
    const t = await makeTable({ keys: ["email", "title"], rows: 15 });
    const cols = [t.columns.email, t.columns.title];
    const [a, b] = await Promise.all([gridJob(t.tableId, cols), gridJob(t.tableId, cols)]);
    const all = [...(await taskIdsOf(a.jobId)), ...(await taskIdsOf(b.jobId))].sort(() => Math.random() - 0.5);
    await pool(all, 24, (id) => runCellTask(id, 1));
    expect(await jobOf(a.jobId)).toMatchObject({ status: "completed", doneTasks: 30 });
    expect(await jobOf(b.jobId)).toMatchObject({ status: "completed", doneTasks: 30 });
    expect((await rowsOf(t.tableId)).every((r) => r.status === "done")).toBe(true);
  });
});

describe("runCellBatch", () => {
  test("showRunning: false claims the cells without writing their rows (they go queued → done); resume is not a new attempt", async () => {
    const t = await makeTable({ keys: ["email"], rows: 3 });
    const job = await gridJob(t.tableId, [t.columns.email]);
    const ids = await taskIdsOf(job.jobId);
    const before = await rowsOf(t.tableId);
    await claimTasks(ids, { showRunning: false });
    const claimed = await rowsOf(t.tableId);
    expect(claimed.map((r) => [r.status, r.updatedAt])).toEqual(before.map((r) => [r.status, r.updatedAt]));
    const tasks = await getDb().cellEnrichmentTask.findMany({ where: { id: { in: ids } } });
    expect(tasks.map((x) => [x.status, x.attempts])).toEqual(ids.map(() => ["running", 1]));
    const outcomes = await runCellBatch(ids, 1, { resume: true, showRunning: false });
    expect(outcomes.map((o) => o.status)).toEqual(["done", "done", "done"]);
    expect((await rowsOf(t.tableId)).map((r) => r.status)).toEqual(["done", "done", "done"]);
    const ended = await getDb().cellEnrichmentTask.findMany({ where: { id: { in: ids } } });
    expect(ended.map((x) => x.attempts)).toEqual([1, 1, 1]);
    expect(await jobOf(job.jobId)).toMatchObject({ status: "completed", doneTasks: 3 });
  });

  test("returns one outcome per cell; transient failures come back as retry and are not counted", async () => {
    const t = await makeTable({ keys: ["email", "flaky_bio", "fail_x"], rows: 3 });
    const job = await gridJob(t.tableId, [t.columns.email, t.columns.flaky_bio, t.columns.fail_x]);
    const ids = await taskIdsOf(job.jobId);
    const outcomes = await runCellBatch(ids);
    expect(outcomes.map((o) => o.taskId)).toEqual(ids);
    const byStatus = (s: string) => outcomes.filter((o) => o.status === s).length;
    expect([byStatus("done"), byStatus("retry"), byStatus("failed")]).toEqual([3, 3, 3]);
    expect(await jobOf(job.jobId)).toMatchObject({ status: "running", doneTasks: 3, failedTasks: 3 });
    const waiting = await getDb().cellEnrichmentTask.findMany({
      where: { id: { in: outcomes.filter((o) => o.status === "retry").map((o) => o.taskId) } },
    });
    expect(waiting.map((x) => x.status)).toEqual(["queued", "queued", "queued"]);
    expect(waiting.every((x) => /^Attempt 1 failed: /.test(x.error ?? ""))).toBe(true);
    // Retrying only the cells that need it, each on its own.
    const retry = outcomes.filter((o) => o.status === "retry").map((o) => o.taskId);
    await Promise.all(retry.map((id) => runCellTask(id, 2)));
    expect(await jobOf(job.jobId)).toMatchObject({ status: "completed", doneTasks: 6, failedTasks: 3 });
    const tasks = await getDb().cellEnrichmentTask.findMany({ where: { id: { in: retry } } });
    expect(tasks.every((x) => x.attempts === 2 && x.status === "done")).toBe(true);
  });
});

describe("cancel and retry", () => {
  test("a cancel settles at once the cells a batch left waiting for a retry; their retry then changes nothing", async () => {
    const t = await makeTable({ keys: ["flaky_bio"], rows: 3 });
    const job = await gridJob(t.tableId, [t.columns.flaky_bio]);
    const ids = await taskIdsOf(job.jobId);
    expect((await runCellBatch(ids)).map((o) => o.status)).toEqual(["retry", "retry", "retry"]);
    const cancelled = await cancelJob({ tableId: t.tableId, jobId: job.jobId, orchestrator });
    expect(cancelled).toMatchObject({ status: "cancelled", failedTasks: 3, cancelledTasks: 3, unfinishedTasks: 0 });
    // They never ran to an answer before: they show "cancelled" (failed, error cancelled).
    const states = (await rowsOf(t.tableId)).map((r) => (r.cellStates as Record<string, unknown>)[t.columns.flaky_bio]);
    expect(states).toEqual(ids.map(() => expect.objectContaining({ s: "failed", e: "cancelled" })));
    const again = await Promise.all(ids.map((id) => runCellTask(id, 2)));
    expect(again.every((o) => o.alreadyFinal)).toBe(true);
    expect(await jobOf(job.jobId)).toMatchObject({ doneTasks: 0, failedTasks: 3, cancelledTasks: 3 });
  });

  test("cancel fails queued tasks with 'cancelled', lets running ones finish, and ends the job cancelled", async () => {
    const t = await makeTable({ keys: ["email"], rows: 4 });
    const job = await gridJob(t.tableId, [t.columns.email]);
    const ids = await taskIdsOf(job.jobId);
    await runCellTask(ids[0], 1);
    await claimTasks([ids[1]]); // an attempt under way at the moment of cancelling …
    const cancelled = await cancelJob({ tableId: t.tableId, jobId: job.jobId, orchestrator });
    expect(cancelled).toMatchObject({ status: "cancelled", doneTasks: 1, failedTasks: 2 });
    // … records its result afterwards.
    const [finished] = await finishTasks([
      { taskId: ids[1], status: "done", value: "v@example.com", confidence: 0.9, source: "demo", provider: "demo" },
    ]);
    expect(finished?.taskId).toBe(ids[1]);
    expect(await jobOf(job.jobId)).toMatchObject({ status: "cancelled", doneTasks: 2, failedTasks: 2 });
    const late = await runCellTask(ids[2], 1);
    expect(late).toMatchObject({ alreadyFinal: true, status: "failed", error: "cancelled" });
    await expect(cancelJob({ tableId: t.tableId, jobId: job.jobId, orchestrator })).rejects.toMatchObject({
      code: "conflict",
    });

    expect(await jobOf(job.jobId)).toMatchObject({ failedTasks: 2, cancelledTasks: 2 });
    // Cells a cancel ended did not fail: a retry has nothing to take; they are enriched again.
    await expect(
      retryFailedCells({
        tableId: t.tableId,
        jobId: job.jobId,
        startedBy: { userId: null, keyId: null },
        orchestrator,
      }),
    ).rejects.toMatchObject({ code: "conflict" });
    const again = await gridJob(t.tableId, [t.columns.email], [t.rowIds[2], t.rowIds[3]]);
    await Promise.all((await taskIdsOf(again.jobId)).map((id) => runCellTask(id, 1)));
    expect((await rowsOf(t.tableId)).every((r) => r.status === "done")).toBe(true);
  });
});

describe("chunks of a job", () => {
  test("read the range's unfinished cells in order; none once the job is cancelled, even before its cells are settled", async () => {
    const t = await makeTable({ keys: ["name", "email", "title"], rows: 4 });
    const job = await gridJob(t.tableId, [t.columns.email, t.columns.title]);
    const ids = await taskIdsOf(job.jobId);
    await runCellTask(ids[1] as string, 1);
    expect(await unfinishedTaskIds({ jobId: job.jobId, from: 1, to: 4 })).toEqual([ids[0], ids[2], ids[3]]);
    // Cancelled as markJobCancelled does, with its queued cells not yet settled.
    await getDb().enrichmentJob.update({ where: { id: job.jobId }, data: { status: "cancelled" } });
    expect(await getDb().cellEnrichmentTask.count({ where: { jobId: job.jobId, status: "queued" } })).toBe(7);
    expect(await unfinishedTaskIds({ jobId: job.jobId, from: 1, to: 8 })).toEqual([]);
  });
});

describe("deleting cells under a running job", () => {
  test("deleting a row with unfinished tasks counts them as ended (failed, of them cancelled: they did not fail), so the job still ends", async () => {
    const { deleteRow } = await import("@/lib/rows/rows");
    const t = await makeTable({ keys: ["email"], rows: 3 });
    const job = await gridJob(t.tableId, [t.columns.email]);
    const ids = await taskIdsOf(job.jobId);
    await runCellTask(ids[0], 1);
    await deleteRow({ tableId: t.tableId, rowId: t.rowIds[1] });
    expect(await jobOf(job.jobId)).toMatchObject({
      status: "running",
      doneTasks: 1,
      failedTasks: 1,
      cancelledTasks: 1,
    });
    await runCellTask(ids[2], 1);
    expect(await jobOf(job.jobId)).toMatchObject({
      status: "completed",
      doneTasks: 2,
      failedTasks: 1,
      cancelledTasks: 1,
      totalTasks: 3,
    });
  });

  test("deleting the only enriched column of a job ends the job (completed: no cell failed, each was deleted before it ran) and leaves rows idle", async () => {
    const { deleteColumn } = await import("@/lib/columns/columns");
    const t = await makeTable({ keys: ["name", "email"], rows: 2 });
    const job = await gridJob(t.tableId, [t.columns.email]);
    expect((await rowsOf(t.tableId)).map((r) => r.status)).toEqual(["queued", "queued"]);
    await deleteColumn({ tableId: t.tableId, columnId: t.columns.email });
    expect(await jobOf(job.jobId)).toMatchObject({
      status: "completed",
      doneTasks: 0,
      failedTasks: 2,
      cancelledTasks: 2,
    });
    expect((await rowsOf(t.tableId)).map((r) => r.status)).toEqual(["idle", "idle"]);
  });
});
