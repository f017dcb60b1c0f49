import "server-only";
import { finalizeJobs, settleCancelledTasks } from "../store";

// A cancel stops a waterfall between two provider calls: a running cell of a cancelled job is
// ended as failed "cancelled" before its next provider is asked, so nothing more is spent on
// it. (A call already under way finishes and is charged once; see store/cancel.ts.)

/**
 * Ends the listed running cells of the listed jobs that are cancelled (nothing for a job that
 * is not) and finalizes those jobs. Returns the ids of the cells of cancelled jobs: they must
 * not be called.
 */
export async function endCancelledCells(cells: { jobId: string; taskId: string }[]): Promise<Set<string>> {
  const byJob = new Map<string, string[]>();
  for (const { jobId, taskId } of cells) byJob.set(jobId, [...(byJob.get(jobId) ?? []), taskId]);
  const stopped = new Set<string>();
  const jobs: string[] = [];
  for (const [jobId, taskIds] of byJob) {
    const ended = await settleCancelledTasks({ jobId, taskIds, limit: taskIds.length, running: true });
    if (ended === 0) continue;
    jobs.push(jobId);
    for (const taskId of taskIds) stopped.add(taskId);
  }
  if (jobs.length > 0) await finalizeJobs(jobs);
  return stopped;
}
