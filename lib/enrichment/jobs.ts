import { getDb, type Tx } from "../db";
import { conflict, notFound } from "../errors";
import type { EnrichmentJob, Prisma } from "../generated/prisma/client";
import { type CreatedJob, createEnrichmentJob } from "./create-job";
import { type JobDto, serializeJob, withCounters } from "./serialize";
import { withDbRetry } from "./sql-retry";

export const CANCELLED_ERROR = "cancelled";

export async function getJob(
  { tableId, jobId }: { tableId: string; jobId: string },
  db: Tx = getDb(),
): Promise<JobDto> {
  // One round trip (job and counter sums together): this is what every client polls.
  const [job] = await db.$queryRaw<EnrichmentJob[]>`
    SELECT j.id, j.table_id AS "tableId", j.status::text AS status, j.total_tasks AS "totalTasks",
           COALESCE(c.done, j.done_tasks) AS "doneTasks", COALESCE(c.failed, j.failed_tasks) AS "failedTasks",
           j.error, j.created_at AS "createdAt", j.started_at AS "startedAt", j.completed_at AS "completedAt"
      FROM enrichment_jobs j
      LEFT JOIN LATERAL (
        SELECT sum(done)::int AS done, sum(failed)::int AS failed FROM enrichment_job_counters WHERE job_id = j.id
      ) c ON true
     WHERE j.id = ${jobId}::uuid AND j.table_id = ${tableId}::uuid`;
  if (!job) throw notFound("job", jobId);
  return serializeJob(job);
}

export async function listJobs(
  { tableId, page, limit, status }: { tableId: string; page: number; limit: number; status?: JobDto["status"] },
  db: Tx = getDb(),
) {
  const table = await db.table.findUnique({ where: { id: tableId }, select: { id: true } });
  if (!table) throw notFound("table", tableId);
  const where: Prisma.EnrichmentJobWhereInput = { tableId, ...(status ? { status } : {}) };
  const [total, jobs] = await Promise.all([
    db.enrichmentJob.count({ where }),
    db.enrichmentJob.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * limit,
      take: limit,
      include: withCounters,
    }),
  ]);
  return { data: jobs.map(serializeJob), meta: { total, page, limit, totalPages: Math.ceil(total / limit) } };
}

export type TaskDto = {
  taskId: string;
  jobId: string;
  rowId: string;
  columnId: string;
  columnKey: string;
  columnLabel: string;
  /** The row's value in the table's first column (e.g. a name), to tell rows apart. */
  rowLabel: string | null;
  status: "queued" | "running" | "done" | "failed";
  result: unknown;
  confidence: number | null;
  error: string | null;
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
};

export async function listTasks(
  {
    tableId,
    jobId,
    status,
    page,
    limit,
  }: { tableId: string; jobId: string; status?: TaskDto["status"]; page: number; limit: number },
  db: Tx = getDb(),
) {
  await getJob({ tableId, jobId }, db);
  const where: Prisma.CellEnrichmentTaskWhereInput = { jobId, ...(status ? { status } : {}) };
  const [total, tasks, firstColumn] = await Promise.all([
    db.cellEnrichmentTask.count({ where }),
    db.cellEnrichmentTask.findMany({
      where,
      orderBy: { ordinal: "asc" },
      skip: (page - 1) * limit,
      take: limit,
      include: { column: { select: { key: true, label: true } }, row: { select: { data: true } } },
    }),
    db.column.findFirst({
      where: { tableId },
      orderBy: [{ order: "asc" }, { createdAt: "asc" }],
      select: { key: true },
    }),
  ]);
  const labelOf = (data: unknown) => {
    const value = firstColumn ? (data as Record<string, unknown> | null)?.[firstColumn.key] : undefined;
    return value === undefined || value === null ? null : String(value);
  };
  const data: TaskDto[] = tasks.map((t) => ({
    taskId: t.id,
    jobId: t.jobId,
    rowId: t.rowId,
    columnId: t.columnId,
    columnKey: t.column.key,
    columnLabel: t.column.label,
    rowLabel: labelOf(t.row.data),
    status: t.status,
    result: t.result,
    confidence: t.confidence,
    error: t.error,
    attempts: t.attempts,
    createdAt: t.createdAt.toISOString(),
    startedAt: t.startedAt?.toISOString() ?? null,
    completedAt: t.completedAt?.toISOString() ?? null,
  }));
  return { data, meta: { total, page, limit, totalPages: Math.ceil(total / limit) } };
}

/**
 * Cancels a job: its queued tasks end failed with error "cancelled" (counted as failed, so
 * progress still reaches 100%), running tasks finish normally, and the job ends `cancelled`.
 * Cancelling a job that already ended is a 409.
 */
export async function cancelJob({ tableId, jobId }: { tableId: string; jobId: string }, db = getDb()): Promise<JobDto> {
  // Retried on deadlock: the job row is locked first here but last by finishing cells.
  return withDbRetry(() => cancelOnce({ tableId, jobId }, db));
}

async function cancelOnce({ tableId, jobId }: { tableId: string; jobId: string }, db: ReturnType<typeof getDb>) {
  return db.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ status: string }[]>`
      SELECT status::text FROM enrichment_jobs WHERE id = ${jobId}::uuid AND table_id = ${tableId}::uuid FOR UPDATE`;
    if (locked.length === 0) throw notFound("job", jobId);
    if (!["pending", "running"].includes(locked[0].status)) {
      throw conflict(`The job is already ${locked[0].status}`, { status: locked[0].status });
    }
    await tx.$executeRaw`
      WITH t AS (
        UPDATE cell_enrichment_tasks SET status = 'failed', error = ${CANCELLED_ERROR}, completed_at = now()
         WHERE job_id = ${jobId}::uuid AND status = 'queued'
        RETURNING id, row_id, column_id
      ), per_row AS (
        SELECT row_id, jsonb_object_agg(column_id::text, jsonb_build_object('t', id, 's', 'failed', 'e', ${CANCELLED_ERROR}::text)) AS states
          FROM t GROUP BY row_id ORDER BY row_id
      ), r AS (
        UPDATE rows SET cell_states = glaze_merge_cell_states(rows.cell_states, per_row.states, true), updated_at = now()
          FROM per_row WHERE rows.id = per_row.row_id
      ), counted AS (
        UPDATE enrichment_job_counters SET failed = failed + (SELECT count(*) FROM t)
         WHERE job_id = ${jobId}::uuid AND shard = 0
      )
      UPDATE enrichment_jobs SET status = 'cancelled', completed_at = now(), started_at = COALESCE(started_at, now())
       WHERE id = ${jobId}::uuid`;
    const job = await tx.enrichmentJob.findUniqueOrThrow({ where: { id: jobId }, include: withCounters });
    return serializeJob(job);
  });
}

/** A new job for the cells of `jobId` that ended failed (including cancelled ones). */
export async function retryJob(
  { tableId, jobId }: { tableId: string; jobId: string },
  db = getDb(),
): Promise<CreatedJob> {
  await getJob({ tableId, jobId }, db);
  const failed = await db.cellEnrichmentTask.findMany({
    where: { jobId, status: "failed" },
    select: { rowId: true, columnId: true },
    orderBy: { ordinal: "asc" },
  });
  if (failed.length === 0) throw conflict("The job has no failed cells to retry");
  return createEnrichmentJob({ tableId, selection: { mode: "cells", cells: failed } }, db);
}
