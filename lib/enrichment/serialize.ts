import type { EnrichmentJob, EnrichmentJobCounter } from "../generated/prisma/client";

export type JobDto = {
  jobId: string;
  tableId: string;
  status: EnrichmentJob["status"];
  totalTasks: number;
  doneTasks: number;
  failedTasks: number;
  progress: number;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  error: string | null;
};

export function progressOf(job: Pick<EnrichmentJob, "totalTasks" | "doneTasks" | "failedTasks">) {
  return job.totalTasks === 0 ? 0 : Math.round((100 * (job.doneTasks + job.failedTasks)) / job.totalTasks);
}

/** Prisma `include` that serializeJob needs: the live counter shards. */
export const withCounters = { counters: { select: { done: true, failed: true } } } as const;

type JobWithCounters = EnrichmentJob & { counters?: Pick<EnrichmentJobCounter, "done" | "failed">[] };

/** While a job runs its counts live in the counter shards; once it ends they are on the job too. */
export function serializeJob(row: JobWithCounters): JobDto {
  const job = row.counters?.length
    ? {
        ...row,
        doneTasks: row.counters.reduce((sum, c) => sum + c.done, 0),
        failedTasks: row.counters.reduce((sum, c) => sum + c.failed, 0),
      }
    : row;
  return {
    jobId: job.id,
    tableId: job.tableId,
    status: job.status,
    totalTasks: job.totalTasks,
    doneTasks: job.doneTasks,
    failedTasks: job.failedTasks,
    progress: progressOf(job),
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    completedAt: job.completedAt?.toISOString() ?? null,
    error: job.error,
  };
}
