import "server-only";
import type { Tx } from "../../db";
import { countInto, shardOfTasks } from "./counters";
import { run, type Statement } from "./run";
import { statusIn } from "./status-filter";

/**
 * SQL: the unfinished tasks matching `where` fail with error $1, counted once in their jobs as
 * cells that did not run (with those a cancel ended, in cancelledTasks): they did not fail.
 */
const abandon = (where: string) => `
    WITH t AS (
      UPDATE cell_enrichment_tasks t SET status = 'failed', error = $1, completed_at = now()
       WHERE ${statusIn("t", ["queued", "running"])} AND ${where}
      RETURNING id, job_id
    ), per_job AS (
      SELECT job_id, ${shardOfTasks("id")} AS shard, 0 AS done, count(*)::int AS failed, 0 AS skipped,
             count(*)::int AS cancelled
        FROM t GROUP BY job_id
    ), counted AS (${countInto("per_job", { cancelled: true })})
    SELECT job_id::text AS "jobId" FROM per_job`;

/** Rows $2's tasks. */
const ABANDON_ROWS: Statement = {
  name: "glaze-abandon-row-tasks",
  plan: "generic",
  text: abandon("t.row_id = ANY($2::uuid[])"),
};

/** Column $3's tasks, found among table $2's (tasks have no index on their column alone). */
export const ABANDON_COLUMN: Statement = {
  name: "glaze-abandon-column-tasks",
  plan: "generic",
  text: abandon("t.table_id = $2::uuid AND t.column_id = $3::uuid"),
};

/**
 * Before rows or a column are deleted (their tasks go with them by cascade), their unfinished
 * tasks are counted as ended in their jobs (failed, of them cancelled: they did not run), or
 * those jobs could never reach their total and would stay running forever. Runs in the deleting transaction; returns the jobs touched, to
 * pass to finalizeJobs after it commits.
 */
export async function abandonTasks(
  gone: { rowIds: string[] } | { tableId: string; columnId: string },
  reason: string,
  tx: Tx,
): Promise<string[]> {
  const rows =
    "rowIds" in gone
      ? await run<{ jobId: string }>(ABANDON_ROWS, [reason, gone.rowIds], tx)
      : await run<{ jobId: string }>(ABANDON_COLUMN, [reason, gone.tableId, gone.columnId], tx);
  return rows.map((r) => r.jobId);
}
