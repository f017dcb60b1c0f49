import type { JobRecord } from "./store";

export type JobDto = {
  jobId: string;
  tableId: string;
  status: JobRecord["status"];
  totalTasks: number;
  doneTasks: number;
  failedTasks: number;
  progress: number;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  error: string | null;
  /** Who started the job: a person or an API key of the workspace (null for jobs from before accounts). */
  createdBy: { userId: string | null; apiKeyId: string | null };
};

export function progressOf(job: Pick<JobRecord, "totalTasks" | "doneTasks" | "failedTasks">) {
  return job.totalTasks === 0 ? 0 : Math.round((100 * (job.doneTasks + job.failedTasks)) / job.totalTasks);
}

export function serializeJob(job: JobRecord): JobDto {
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
    createdBy: { userId: job.createdByUserId, apiKeyId: job.createdByKeyId },
  };
}
