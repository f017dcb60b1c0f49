import "server-only";
import { finalizeJobs, readTaskStates, settleCancelledTasks, type TaskState } from "./store";

/**
 * Tasks a claim left alone because their job was cancelled are settled on the spot (failed
 * "cancelled"), so a worker that meets one never leaves it unfinished: queued ones, and running
 * ones whose next attempt the claim refused (no new attempt starts after a cancel). Returns
 * the states it read (before settling).
 */
export async function settleUnclaimed(taskIds: string[]): Promise<TaskState[]> {
  const states = await readTaskStates(taskIds);
  const byJob = new Map<string, string[]>();
  for (const s of states) {
    if ((s.status !== "queued" && s.status !== "running") || s.jobStatus !== "cancelled") continue;
    byJob.set(s.jobId, [...(byJob.get(s.jobId) ?? []), s.id]);
  }
  for (const [jobId, ids] of byJob)
    await settleCancelledTasks({ jobId, taskIds: ids, limit: ids.length, running: true });
  if (byJob.size > 0) await finalizeJobs([...byJob.keys()]);
  return states;
}

/**
 * Of the listed tasks, those still waiting or running (cells of a cancelled job are settled
 * here instead): a chunk asks before it gives cells steps of their own, so a job cancelled
 * meanwhile does not run hundreds of steps that would only find its cells ended.
 */
export async function tasksStillToRun(taskIds: string[]): Promise<string[]> {
  if (taskIds.length === 0) return [];
  // One read: the cells of a cancelled job among them are the ones just settled.
  const left = new Set(
    (await settleUnclaimed(taskIds))
      .filter((s) => (s.status === "queued" || s.status === "running") && s.jobStatus !== "cancelled")
      .map((s) => s.id),
  );
  return taskIds.filter((id) => left.has(id));
}
