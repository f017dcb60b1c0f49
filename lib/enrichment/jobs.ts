import "server-only";
import { getDb, type Tx } from "../db";
import { conflict, notFound } from "../errors";
import type { Prisma } from "../generated/prisma/client";
import { readOwn } from "../json";
import type { Orchestrator } from "./orchestrator";
import { SETTLE_BATCH } from "./policy";
import type { JobCostOptions } from "./schemas";
import { type JobDto, serializeJob } from "./serialize";
import {
  countRetryableTasks,
  finalizeJobs,
  markJobCancelled,
  readJob,
  readJobs,
  settleCancelledTasks,
  type TaskStatus,
} from "./store";

/**
 * What a retry of job `jobId` spends under: the job's own cap and cache bypass (a retry of a job
 * its cap stopped would otherwise spend without limit). 404 for a job of another table.
 */
export async function retryCostsOf({ tableId, jobId }: { tableId: string; jobId: string }): Promise<JobCostOptions> {
  const job = await getDb().enrichmentJob.findFirst({
    where: { id: jobId, tableId },
    select: { maxCredits: true, refresh: true },
  });
  if (!job) throw notFound("job", jobId);
  return { maxCredits: job.maxCredits ?? undefined, refresh: job.refresh };
}

/**
 * How many cells retrying the job would run again (0: none; its retry would be a 409), and
 * whether it was retried already. 404 for a job of another table.
 */
export async function retryableOf({ tableId, jobId }: { tableId: string; jobId: string }) {
  await retryCostsOf({ tableId, jobId });
  return { cells: await countRetryableTasks(jobId, getDb()) };
}

export async function getJob({ tableId, jobId }: { tableId: string; jobId: string }): Promise<JobDto> {
  const job = await readJob({ tableId, jobId });
  if (!job) throw notFound("job", jobId);
  return serializeJob(job);
}

export async function listJobs({
  tableId,
  page,
  limit,
  status,
}: {
  tableId: string;
  page: number;
  limit: number;
  status?: JobDto["status"];
}) {
  const table = await getDb().table.findUnique({ where: { id: tableId }, select: { id: true } });
  if (!table) throw notFound("table", tableId);
  const { jobs, total } = await readJobs({ tableId, status, limit, offset: (page - 1) * limit });
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
  status: TaskStatus;
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
  }: { tableId: string; jobId: string; status?: TaskStatus; page: number; limit: number },
  db: Tx = getDb(),
) {
  await getJob({ tableId, jobId });
  const where: Prisma.CellEnrichmentTaskWhereInput = { jobId, ...(status ? { status } : {}) };
  const [total, tasks, columns] = await Promise.all([
    db.cellEnrichmentTask.count({ where }),
    db.cellEnrichmentTask.findMany({ where, orderBy: { ordinal: "asc" }, skip: (page - 1) * limit, take: limit }),
    db.column.findMany({
      where: { tableId },
      orderBy: [{ order: "asc" }, { createdAt: "asc" }],
      select: { id: true, key: true, label: true },
    }),
  ]);
  // Tasks have no foreign keys (see the schema): their rows and columns are read by id.
  const rows = await db.row.findMany({
    where: { id: { in: [...new Set(tasks.map((t) => t.rowId))] } },
    select: { id: true, data: true },
  });
  const columnOf = new Map(columns.map((c) => [c.id, c]));
  const rowDataOf = new Map(rows.map((r) => [r.id, r.data]));
  // A row is named by its first column that has a value (an empty first column named none).
  const labelOf = (data: unknown) => {
    for (const column of columns) {
      const value = readOwn(data, column.key);
      if (value !== undefined && value !== null && String(value).trim() !== "") return String(value);
    }
    return null;
  };
  const data: TaskDto[] = [];
  for (const t of tasks) {
    const column = columnOf.get(t.columnId);
    // A row or column deleted since the page was read took its tasks with it.
    if (!column || !rowDataOf.has(t.rowId)) continue;
    data.push({
      taskId: t.id,
      jobId: t.jobId,
      rowId: t.rowId,
      columnId: t.columnId,
      columnKey: column.key,
      columnLabel: column.label,
      rowLabel: labelOf(rowDataOf.get(t.rowId)),
      status: t.status,
      result: t.result,
      confidence: t.confidence,
      error: t.error,
      attempts: t.attempts,
      createdAt: t.createdAt.toISOString(),
      startedAt: t.startedAt?.toISOString() ?? null,
      completedAt: t.completedAt?.toISOString() ?? null,
    });
  }
  return { data, meta: { total, page, limit, totalPages: Math.ceil(total / limit) } };
}

/** How long a cancel request settles queued cells itself before handing the rest over. */
const CANCEL_SETTLE_BUDGET_MS = 750;

/**
 * Settles queued tasks of a cancelled job in bounded batches until none are left or
 * `budgetMs` has passed; true when some may be left.
 */
export async function settleCancelledJob({ jobId, budgetMs }: { jobId: string; budgetMs: number }) {
  const deadline = Date.now() + budgetMs;
  let more = true;
  while (more && Date.now() < deadline) {
    more = (await settleCancelledTasks({ jobId, limit: SETTLE_BATCH })) === SETTLE_BATCH;
  }
  await finalizeJobs([jobId]);
  return more;
}

/**
 * Cancels a job at once, whatever its size: the job is marked cancelled (no cell of it starts
 * an attempt from then on), its queued cells and cells waiting to retry end failed with error
 * "cancelled" (counted as failed, so progress still reaches 100 %); attempts under way finish.
 * The request settles what it can in under a second and leaves the rest to the orchestrator.
 * Cancelling a job that already ended is a 409.
 */
export async function cancelJob({
  tableId,
  jobId,
  orchestrator,
}: {
  tableId: string;
  jobId: string;
  orchestrator: Orchestrator;
}): Promise<JobDto> {
  if (!(await markJobCancelled({ tableId, jobId }))) {
    const job = await readJob({ tableId, jobId });
    if (!job) throw notFound("job", jobId);
    throw conflict(`The job is already ${job.status}`, { status: job.status });
  }
  if (await settleCancelledJob({ jobId, budgetMs: CANCEL_SETTLE_BUDGET_MS })) {
    // If this fails too, the watchdog settles the rest.
    await orchestrator.settleCancelledJob({ jobId, tableId }).catch((error: unknown) => {
      console.error(`[enrichment] job ${jobId}: could not hand over the rest of the cancel`, error);
    });
  }
  return getJob({ tableId, jobId });
}
