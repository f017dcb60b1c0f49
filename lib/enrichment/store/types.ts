/**
 * A task's lifecycle: queued → running → done | failed | skipped (its required inputs were
 * empty, so no provider was called).
 */
export type TaskStatus = "queued" | "running" | "done" | "failed" | "skipped";
/** The states a task ends in. */
export type FinalTaskStatus = "done" | "failed" | "skipped";
export type JobStatus = "pending" | "running" | "completed" | "failed" | "cancelled";

/** A job with its live counts (summed from its counter shards while it runs). */
export type JobRecord = {
  id: string;
  tableId: string;
  status: JobStatus;
  totalTasks: number;
  doneTasks: number;
  failedTasks: number;
  skippedTasks: number;
  /** Of failedTasks, the cells a cancel ended. */
  cancelledTasks: number;
  error: string | null;
  errorCode: string | null;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  createdByUserId: string | null;
  createdByKeyId: string | null;
  maxCredits: number | null;
  budgetReached: boolean;
  retriedAt: Date | null;
  creditsSpent: number;
  /** The columns the job's cells are in (ids of deleted columns stay). */
  columnIds: string[];
};
