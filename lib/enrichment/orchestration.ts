import "server-only";
import { cellsPerStepFor, chunkSizeFor, type JobErrorCode } from "./policy";
import { settleUnclaimed } from "./settle-unclaimed";
import { claimTasks, finishTasks, markJobStarted, readUnfinishedTaskIds, recordJobError } from "./store";

// What the orchestrator (Inngest functions) needs from the domain, as plain functions.

export type ChunkPlan = { from: number; to: number; cellsPerStep: number };

/** Splits tasks 1..total into contiguous ordinal ranges, each one Inngest run. */
export function planChunks(total: number, options: { cellsPerStep?: number } = {}): ChunkPlan[] {
  if (total <= 0) return [];
  const cellsPerStep = options.cellsPerStep ?? cellsPerStepFor(total);
  const size = chunkSizeFor(cellsPerStep);
  const chunks: ChunkPlan[] = [];
  for (let from = 1; from <= total; from += size) {
    chunks.push({ from, to: Math.min(total, from + size - 1), cellsPerStep });
  }
  return chunks;
}

export type StartedJob = { runnable: boolean; status: string; totalTasks: number };

/** Marks a pending job running (clearing a dispatch failure); says whether there is anything left to run. */
export async function startJob({ jobId }: { jobId: string }): Promise<StartedJob> {
  const job = await markJobStarted(jobId);
  if (!job) return { runnable: false, status: "missing", totalTasks: 0 };
  return { runnable: job.status === "running", status: job.status, totalTasks: job.totalTasks };
}

/** Ids of the tasks in [from, to] of a job that are not final yet, in ordinal order. */
export async function unfinishedTaskIds(range: { jobId: string; from: number; to: number }) {
  return readUnfinishedTaskIds(range);
}

/**
 * Ends tasks that the orchestrator gave up on (their step failed for a reason other than
 * the provider), so the job still completes. Tasks that are already final are left alone.
 */
export async function failUnfinishedTasks(taskIds: string[], error: string) {
  const claimed = await claimTasks(taskIds);
  const finished = await finishTasks(claimed.map((t) => ({ taskId: t.taskId, status: "failed" as const, error })));
  // Those of a cancelled job are not claimed: they end "cancelled".
  const ids = new Set(claimed.map((t) => t.taskId));
  await settleUnclaimed(taskIds.filter((id) => !ids.has(id)));
  return finished.length;
}

/** Records on the job why its orchestration failed (shown by the API and the grid). */
export async function recordJobFailure({ jobId, code, error }: { jobId: string; code: JobErrorCode; error: string }) {
  await recordJobError({ jobId, code, error });
}
