import "../support/no-orchestrator";
import { describe, expect, test } from "vitest";
import { getDb } from "@/lib/db";
import { createEnrichmentJob } from "@/lib/enrichment/create-job";
import { settleCancelledJob } from "@/lib/enrichment/jobs";
import { planChunks } from "@/lib/enrichment/orchestration";
import { runCellBatch } from "@/lib/enrichment/run-batch";
import { failRemainingTasks, finalizeJobs } from "@/lib/enrichment/store";
import { createRows } from "@/lib/rows/rows";
import { api } from "../support/api";
import { jobOf, makeTable, taskIdsOf } from "../support/fixtures";

// Work that grows with the data must never be one interactive transaction with a short
// timeout: at 100,000 cells each of these used to fail (P2028) or fail to answer. A table of
// 10,000 rows × 10 columns, one 100,000-cell job.

const KEYS = Array.from({ length: 10 }, (_, i) => `col_${i}`);

async function bigJob() {
  const t = await makeTable({ keys: KEYS, rows: 10_000 });
  const job = await createEnrichmentJob({
    tableId: t.tableId,
    source: { mode: "grid", columnIds: Object.values(t.columns), rowIds: "all" },
  });
  expect(job.totalTasks).toBe(100_000);
  return { t, job };
}

async function statuses(jobId: string) {
  const rows = await getDb().cellEnrichmentTask.groupBy({ by: ["status"], where: { jobId }, _count: true });
  return Object.fromEntries(rows.map((r) => [r.status, r._count]));
}

// A busy 2-core machine needs minutes for some of these; they assert outcomes, never time.
describe("100,000-cell jobs", { timeout: 300_000 }, () => {
  test("cancel → 200 at once with the job cancelled; the rest is handed over and ends every queued cell, counted once", async () => {
    const { t, job } = await bigJob();
    // Some cells already ran, so the job is running when it is cancelled.
    await runCellBatch((await taskIdsOf(job.jobId)).slice(0, 100));
    const res = await api.post(`/api/tables/${t.tableId}/enrich/jobs/${job.jobId}/cancel`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("cancelled");
    expect(res.body.doneTasks).toBe(100);
    // Whatever the request left is settled by the background function, in bounded steps.
    while (await settleCancelledJob({ jobId: job.jobId, budgetMs: 5_000 })) {}
    expect(await statuses(job.jobId)).toEqual({ done: 100, failed: 99_900 });
    expect(await jobOf(job.jobId)).toMatchObject({
      status: "cancelled",
      doneTasks: 100,
      failedTasks: 99_900,
      cancelledTasks: 99_900,
    });
    const rows = await getDb().row.groupBy({ by: ["status"], where: { tableId: t.tableId }, _count: true });
    // The first 100 cells are the first 10 rows' (tasks run row by row); the cancelled cells
    // never ran before, so they went back to no state at all.
    expect(rows.map((r) => [r.status, r._count]).sort()).toEqual([
      ["done", 10],
      ["idle", 9_990],
    ]);
  });

  test("retry of a job whose 100,000 cells failed → 201 with a new job of 100,000 queued cells", async () => {
    const { t, job } = await bigJob();
    // Every cell fails (as when the watchdog gives a job up), in bounded batches.
    while ((await failRemainingTasks({ jobId: job.jobId, reason: "gave up", limit: 5_000 })) === 5_000) {}
    await finalizeJobs([job.jobId]);
    const res = await api.post(`/api/tables/${t.tableId}/enrich/jobs/${job.jobId}/retry`);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ totalTasks: 100_000, retryOf: job.jobId });
    expect(await statuses(res.body.jobId)).toEqual({ queued: 100_000 });
  });

  test("deleting a column with 10,000 unfinished cells → 204; its cells count as ended without running (cancelled) and the job still ends", async () => {
    const { t, job } = await bigJob();
    const res = await api.delete(`/api/tables/${t.tableId}/columns/${t.columns.col_0}`);
    expect(res.status).toBe(204);
    expect(await jobOf(job.jobId)).toMatchObject({ status: "pending", failedTasks: 10_000, cancelledTasks: 10_000 });
    expect(await getDb().cellEnrichmentTask.count({ where: { jobId: job.jobId } })).toBe(90_000);
  });

  test("deleting 10,000 rows with 100,000 unfinished cells in one request → 200; the job ends, none of its cells failed", async () => {
    const { t, job } = await bigJob();
    const res = await api.delete(`/api/tables/${t.tableId}/rows`, { ids: t.rowIds });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ meta: { deleted: 10_000, deletion: expect.any(String) } });
    expect(await jobOf(job.jobId)).toMatchObject({
      status: "completed",
      doneTasks: 0,
      failedTasks: 100_000,
      cancelledTasks: 100_000,
    });
  });
});

describe("1,000,000-cell jobs", () => {
  test('100,000 rows × 10 columns, rowIds "all" → one job of 1,000,000 queued cells, numbered 1..n, every row queued', async () => {
    const t = await makeTable({ keys: KEYS, rows: 0 });
    for (let batch = 0; batch < 10; batch++) {
      await createRows({ tableId: t.tableId, input: { rows: Array.from({ length: 10_000 }, () => ({ data: {} })) } });
    }
    const job = await createEnrichmentJob({
      tableId: t.tableId,
      source: { mode: "grid", columnIds: Object.values(t.columns), rowIds: "all" },
    });
    expect(job.totalTasks).toBe(1_000_000);
    const [tasks] = await getDb().$queryRaw<{ n: number; distinct_ordinals: number; first: number; last: number }[]>`
      SELECT count(*)::int AS n, count(DISTINCT ordinal)::int AS distinct_ordinals, min(ordinal)::int AS first,
             max(ordinal)::int AS last
        FROM cell_enrichment_tasks WHERE job_id = ${job.jobId}::uuid AND status = 'queued'`;
    expect(tasks).toEqual({ n: 1_000_000, distinct_ordinals: 1_000_000, first: 1, last: 1_000_000 });
    const rows = await getDb().row.groupBy({ by: ["status"], where: { tableId: t.tableId }, _count: true });
    expect(rows.map((r) => [r.status, r._count])).toEqual([["queued", 100_000]]);
    expect(await jobOf(job.jobId)).toMatchObject({ status: "pending", totalTasks: 1_000_000, doneTasks: 0 });
    // The orchestrator fans it out into contiguous ranges that cover every task once.
    const chunks = planChunks(job.totalTasks);
    expect(chunks.length).toBe(2_000);
    expect(chunks.every((c, i) => c.from === (chunks[i - 1]?.to ?? 0) + 1)).toBe(true);
    expect(chunks.at(-1)?.to).toBe(1_000_000);
  }, 900_000);
});
