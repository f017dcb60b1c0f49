import "server-only";
import { finalizeJobs, readTaskStates, settleCancelledTasks } from "../store";

// A waterfall stops between two provider calls when its cell no longer wants a value: the cell
// was deleted (its row, column or table), it was ended meanwhile (a value written by hand), or
// its job was cancelled, and then the cell is ended as failed "cancelled". Nothing more is
// spent on it. (A call already under way finishes and is charged once.)

/**
 * The listed running cells that must not be called again: gone, no longer running, or of a
 * cancelled job (those are ended, and their jobs finalized). One read for the cells; one
 * statement per cancelled job.
 */
export async function stoppedCells(cells: { jobId: string; taskId: string }[]): Promise<Set<string>> {
  if (cells.length === 0) return new Set();
  const states = new Map((await readTaskStates(cells.map((c) => c.taskId))).map((s) => [s.id, s]));
  const stopped = new Set<string>();
  const cancelled = new Map<string, string[]>();
  for (const { jobId, taskId } of cells) {
    const state = states.get(taskId);
    if (state?.status === "running" && state.jobStatus !== "cancelled") continue;
    stopped.add(taskId);
    if (state?.status === "running") cancelled.set(jobId, [...(cancelled.get(jobId) ?? []), taskId]);
  }
  for (const [jobId, taskIds] of cancelled) await endCancelledCells(jobId, taskIds);
  return stopped;
}

/**
 * Ends the listed running cells of job `jobId` as failed "cancelled" if the job is cancelled
 * (nothing otherwise), and finalizes it. Returns how many were ended.
 */
export async function endCancelledCells(jobId: string, taskIds: string[]): Promise<number> {
  if (taskIds.length === 0) return 0;
  const ended = await settleCancelledTasks({ jobId, taskIds, limit: taskIds.length, running: true });
  if (ended > 0) await finalizeJobs([jobId]);
  return ended;
}
