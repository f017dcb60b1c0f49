import type { Tx } from "../db";

/**
 * Before a row or column is deleted (its tasks go with it by cascade), its unfinished tasks
 * are counted as failed in their jobs, or those jobs could never reach their total and
 * would stay running forever. Returns the jobs touched; call finalizeJobs on them after
 * the transaction commits.
 */
export async function abandonTasks(
  tx: Tx,
  { rowId, columnId, reason }: { rowId?: string; columnId?: string; reason: string },
): Promise<string[]> {
  const rows = await tx.$queryRaw<{ job_id: string }[]>`
    WITH t AS (
      UPDATE cell_enrichment_tasks SET status = 'failed', error = ${reason}, completed_at = now()
       WHERE status IN ('queued', 'running')
         AND ((${rowId ?? null}::uuid IS NOT NULL AND row_id = ${rowId ?? null}::uuid)
           OR (${columnId ?? null}::uuid IS NOT NULL AND column_id = ${columnId ?? null}::uuid))
      RETURNING job_id
    ), per_job AS (
      SELECT job_id, count(*)::int AS n FROM t GROUP BY job_id
    ), counted AS (
      UPDATE enrichment_job_counters c SET failed = c.failed + per_job.n
        FROM per_job WHERE c.job_id = per_job.job_id AND c.shard = 0
    )
    SELECT job_id::text FROM per_job`;
  return rows.map((r) => r.job_id);
}
