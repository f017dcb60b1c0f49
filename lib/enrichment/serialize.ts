import type { JobRecord } from "./store";

export type JobDto = {
  jobId: string;
  tableId: string;
  status: JobRecord["status"];
  totalTasks: number;
  doneTasks: number;
  failedTasks: number;
  /** Cells that ended without any provider call (their required inputs were empty). */
  skippedTasks: number;
  /**
   * Of failedTasks, the cells a cancel ended before they ran (they went back to the state of
   * their previous run, or to none), and those whose row or column was deleted before they
   * ended: failedTasks − cancelledTasks cells failed for real.
   */
  cancelledTasks: number;
  progress: number;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  error: string | null;
  /** Who started the job: a person or an API key of the workspace (null for jobs from before accounts). */
  createdBy: { userId: string | null; apiKeyId: string | null };
  /** Credits this job has been charged (settled calls; cached answers cost nothing). */
  creditsSpent: number;
  /** The most this job may spend (null: only the workspace's monthly budget). */
  maxCredits: number | null;
  /** A budget stopped this job's paid calls: its remaining cells were skipped ("budget reached"). */
  budgetReached: boolean;
  /** When a retry of this job's failed cells was created (null: never): the grid offers no second one. */
  retriedAt: string | null;
  /** The columns the job's cells are in, as ids (a column deleted since keeps its id here). */
  columnIds: string[];
  /**
   * Cells that have not ended yet: totalTasks − done − failed − skipped. A cancelled job's cells
   * already running finish after the cancel, so its counts still move until this is 0.
   */
  unfinishedTasks: number;
};

/**
 * Pending or running, or cancelled while some cells still run (they finish after the cancel,
 * and their results still arrive): the job's numbers can still move.
 */
export const isActiveJob = (job: Pick<JobDto, "status" | "unfinishedTasks">) =>
  job.status === "pending" || job.status === "running" || (job.status === "cancelled" && job.unfinishedTasks > 0);

export function progressOf(job: Pick<JobRecord, "totalTasks" | "doneTasks" | "failedTasks" | "skippedTasks">) {
  const ended = job.doneTasks + job.failedTasks + job.skippedTasks;
  return job.totalTasks === 0 ? 0 : Math.round((100 * ended) / job.totalTasks);
}

export function serializeJob(job: JobRecord): JobDto {
  return {
    jobId: job.id,
    tableId: job.tableId,
    status: job.status,
    totalTasks: job.totalTasks,
    doneTasks: job.doneTasks,
    failedTasks: job.failedTasks,
    skippedTasks: job.skippedTasks,
    cancelledTasks: job.cancelledTasks ?? 0,
    progress: progressOf(job),
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    completedAt: job.completedAt?.toISOString() ?? null,
    error: job.error,
    createdBy: { userId: job.createdByUserId, apiKeyId: job.createdByKeyId },
    creditsSpent: job.creditsSpent ?? 0,
    maxCredits: job.maxCredits ?? null,
    budgetReached: job.budgetReached ?? false,
    retriedAt: job.retriedAt?.toISOString() ?? null,
    columnIds: job.columnIds ?? [],
    unfinishedTasks: Math.max(0, job.totalTasks - job.doneTasks - job.failedTasks - job.skippedTasks),
  };
}
