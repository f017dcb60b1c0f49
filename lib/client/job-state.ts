import type { JobDto } from "./fetchers";

/**
 * Pending or running, or cancelled while some cells were still running: those finish after
 * the cancel, and their results should still arrive without a reload.
 */
export const isActiveJob = (job: JobDto) =>
  job.status === "pending" || job.status === "running" || (job.status === "cancelled" && job.unfinishedTasks > 0);
