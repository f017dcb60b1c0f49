import "server-only";
import { run, type Statement } from "./run";

// What the orchestrator reads and writes about a job while running it.

const START_JOB: Statement = {
  name: "glaze-start-job",
  plan: "generic",
  text: `
    UPDATE enrichment_jobs
       SET status = CASE WHEN status = 'pending' THEN 'running'::"JobStatus" ELSE status END,
           started_at = COALESCE(started_at, now()),
           error = CASE WHEN error_code = 'dispatch_failed' THEN NULL ELSE error END,
           error_code = CASE WHEN error_code = 'dispatch_failed' THEN NULL ELSE error_code END
     WHERE id = $1::uuid
    RETURNING status::text AS status, total_tasks AS "totalTasks"`,
};

/** Marks a pending job running (clearing a dispatch failure); its status and size after that. */
export async function markJobStarted(jobId: string): Promise<{ status: string; totalTasks: number } | undefined> {
  const [row] = await run<{ status: string; totalTasks: number }>(START_JOB, [jobId]);
  return row;
}

// A cancelled job's chunks find nothing to run: its queued cells are settled by the cancel
// (settle-cancelled-job), so the thousands of chunk runs a big job fans out end at once
// instead of each reading its range and claiming nothing.
const UNFINISHED_IN_RANGE: Statement = {
  name: "glaze-unfinished-in-range",
  plan: "generic",
  text: `SELECT t.id::text AS id FROM cell_enrichment_tasks t
          WHERE t.job_id = $1::uuid AND t.ordinal BETWEEN $2 AND $3 AND t.status IN ('queued', 'running')
            AND NOT EXISTS (SELECT 1 FROM enrichment_jobs j WHERE j.id = $1::uuid AND j.status = 'cancelled')
          ORDER BY t.ordinal`,
};

/** Ids of the tasks in [from, to] of a job that are not final yet, in ordinal order (none once it is cancelled). */
export async function readUnfinishedTaskIds({ jobId, from, to }: { jobId: string; from: number; to: number }) {
  return (await run<{ id: string }>(UNFINISHED_IN_RANGE, [jobId, from, to])).map((r) => r.id);
}

const RECORD_FAILURE: Statement = {
  name: "glaze-record-job-failure",
  plan: "generic",
  text: "UPDATE enrichment_jobs SET error = $2, error_code = $3 WHERE id = $1::uuid",
};

/** Records on the job why its orchestration failed (shown by the API and the grid). */
export async function recordJobError({ jobId, code, error }: { jobId: string; code: string; error: string }) {
  await run(RECORD_FAILURE, [jobId, error, code]);
}
