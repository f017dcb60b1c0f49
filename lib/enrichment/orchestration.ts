import "server-only";
import { getDb } from "../db";
import { CHUNK_CELLS, cellsPerStepFor, type JobErrorCode, SINGLE_CELL_JOB_LIMIT } from "./policy";
import { claimTasks, finishTasks } from "./store";

// What the orchestrator (Inngest functions) needs from the domain, as plain functions.

export type ChunkPlan = { from: number; to: number; cellsPerStep: number };

/** Splits tasks 1..total into contiguous ordinal ranges, each one Inngest run. */
export function planChunks(total: number, options: { cellsPerStep?: number } = {}): ChunkPlan[] {
  if (total <= 0) return [];
  const cellsPerStep = options.cellsPerStep ?? cellsPerStepFor(total);
  const size = cellsPerStep === 1 ? SINGLE_CELL_JOB_LIMIT : CHUNK_CELLS;
  const chunks: ChunkPlan[] = [];
  for (let from = 1; from <= total; from += size) {
    chunks.push({ from, to: Math.min(total, from + size - 1), cellsPerStep });
  }
  return chunks;
}

export type StartedJob = { runnable: boolean; status: string; totalTasks: number };

/** Marks a pending job running (clearing a dispatch failure); says whether there is anything left to run. */
export async function startJob({ jobId }: { jobId: string }): Promise<StartedJob> {
  const rows = await getDb().$queryRaw<{ status: string; total_tasks: number }[]>`
    UPDATE enrichment_jobs
       SET status = CASE WHEN status = 'pending' THEN 'running'::"JobStatus" ELSE status END,
           started_at = COALESCE(started_at, now()),
           error = CASE WHEN error_code = 'dispatch_failed' THEN NULL ELSE error END,
           error_code = CASE WHEN error_code = 'dispatch_failed' THEN NULL ELSE error_code END
     WHERE id = ${jobId}::uuid
    RETURNING status::text, total_tasks`;
  if (rows.length === 0) return { runnable: false, status: "missing", totalTasks: 0 };
  const { status, total_tasks } = rows[0];
  return { runnable: status === "running", status, totalTasks: total_tasks };
}

/** Ids of the tasks in [from, to] of a job that are not final yet, in ordinal order. */
export async function unfinishedTaskIds({ jobId, from, to }: { jobId: string; from: number; to: number }) {
  const rows = await getDb().cellEnrichmentTask.findMany({
    where: { jobId, ordinal: { gte: from, lte: to }, status: { in: ["queued", "running"] } },
    orderBy: { ordinal: "asc" },
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

/**
 * Ends tasks that the orchestrator gave up on (their step failed for a reason other than
 * the provider, e.g. the database was unreachable on every attempt), so the job still
 * completes. Tasks that are already final are left alone.
 */
export async function failUnfinishedTasks(taskIds: string[], error: string) {
  const claimed = await claimTasks(taskIds);
  const finished = await finishTasks(claimed.map((t) => ({ taskId: t.taskId, status: "failed" as const, error })));
  return finished.length;
}

/** Records on the job why its orchestration failed (shown by the API and the grid). */
export async function recordJobFailure({ jobId, code, error }: { jobId: string; code: JobErrorCode; error: string }) {
  await getDb().enrichmentJob.updateMany({ where: { id: jobId }, data: { error, errorCode: code } });
}
