import "server-only";
import type { Tx } from "../../db";
import { countInto, shardOfTasks } from "./counters";
import { run, type Statement } from "./run";
import { statusIn } from "./status-filter";

const ABANDON: Statement = {
  name: "glaze-abandon-tasks",
  plan: "generic",
  text: `
    WITH t AS (
      UPDATE cell_enrichment_tasks t SET status = 'failed', error = $3, completed_at = now()
       WHERE ${statusIn("t", ["queued", "running"])}
         AND (t.row_id = ANY($1::uuid[]) OR t.column_id = ANY($2::uuid[]))
      RETURNING id, job_id
    ), per_job AS (
      SELECT job_id, ${shardOfTasks("id")} AS shard, 0 AS done, count(*)::int AS failed, 0 AS skipped
        FROM t GROUP BY job_id
    ), counted AS (${countInto("per_job")})
    SELECT job_id::text AS "jobId" FROM per_job`,
};

/**
 * Before rows or a column are deleted (their tasks go with them by cascade), their unfinished
 * tasks are counted as failed in their jobs, or those jobs could never reach their total and
 * would stay running forever. Runs in the deleting transaction; returns the jobs touched, to
 * pass to finalizeJobs after it commits.
 */
export async function abandonTasks(
  { rowIds = [], columnIds = [], reason }: { rowIds?: string[]; columnIds?: string[]; reason: string },
  tx: Tx,
): Promise<string[]> {
  const rows = await run<{ jobId: string }>(ABANDON, [rowIds, columnIds, reason], tx);
  return rows.map((r) => r.jobId);
}
