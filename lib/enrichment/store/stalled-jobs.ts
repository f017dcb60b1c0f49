import "server-only";
import { run, type Statement } from "./run";
import type { JobStatus } from "./types";

// What the watchdog reads: jobs that stopped moving, and where their unfinished cells are.

export type StalledJob = {
  id: string;
  tableId: string;
  status: JobStatus;
  totalTasks: number;
  redriveCount: number;
};

// Progress is the last time a cell of the job was counted (a counter shard moved), or when the
// job was created, started or last re-driven. A cancelled job is stalled while cells it never
// settled are left.
const STALLED: Statement = {
  name: "glaze-stalled-jobs",
  plan: "generic",
  text: `
    SELECT j.id::text AS id, j.table_id::text AS "tableId", j.status::text AS status,
           j.total_tasks AS "totalTasks", j.redrive_count AS "redriveCount"
      FROM enrichment_jobs j
      LEFT JOIN LATERAL (
        SELECT max(updated_at) AS at, sum(done + failed + skipped)::int AS counted
          FROM enrichment_job_counters WHERE job_id = j.id
      ) c ON true
     WHERE (j.status IN ('pending', 'running')
            OR (j.status = 'cancelled' AND COALESCE(c.counted, 0) < j.total_tasks))
       AND GREATEST(j.created_at, j.started_at, j.completed_at, j.redriven_at, c.at) < now() - make_interval(secs => $1)
     ORDER BY j.created_at
     LIMIT $2`,
};

export async function readStalledJobs({ stalledForSeconds, limit }: { stalledForSeconds: number; limit: number }) {
  return run<StalledJob>(STALLED, [stalledForSeconds, limit]);
}

const CLAIM_REDRIVE: Statement = {
  name: "glaze-claim-redrive",
  plan: "generic",
  text: `UPDATE enrichment_jobs SET redrive_count = redrive_count + 1, redriven_at = now()
          WHERE id = $1::uuid AND redrive_count = $2
         RETURNING redrive_count AS "redriveCount"`,
};

/**
 * Takes the next re-drive of a job, or undefined if another watchdog already did (the
 * count moved): two watchdogs never re-drive the same stall twice.
 */
export async function claimRedrive({ jobId, seen }: { jobId: string; seen: number }) {
  const [row] = await run<{ redriveCount: number }>(CLAIM_REDRIVE, [jobId, seen]);
  return row?.redriveCount;
}

const UNFINISHED_CHUNKS: Statement = {
  name: "glaze-unfinished-chunks",
  plan: "generic",
  text: `SELECT DISTINCT ((ordinal - 1) / $2)::int AS chunk FROM cell_enrichment_tasks
          WHERE job_id = $1::uuid AND status IN ('queued', 'running') ORDER BY 1`,
};

/** Which chunks of `chunkSize` tasks (0-based) of the job still hold unfinished tasks. */
export async function readUnfinishedChunks({ jobId, chunkSize }: { jobId: string; chunkSize: number }) {
  return (await run<{ chunk: number }>(UNFINISHED_CHUNKS, [jobId, chunkSize])).map((r) => r.chunk);
}
