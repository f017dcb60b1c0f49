import "server-only";
import type { Tx } from "../../db";
import { mergeStates, pendingStatesOf } from "./cell-states";
import { run, type Statement } from "./run";
import { statusIn } from "./status-filter";

// Claiming tasks: queued/running → running (attempts + 1, unless the claim resumes cells an
// earlier batch handed over: that is not a new attempt), the cells' states → running (unless
// the claimer finishes them at once: cells the provider cache answers go from queued to done
// with one write of their rows, not two), and
// their jobs pending → running, in one statement. Tasks of a cancelled job are not claimed for
// a new attempt: queued ones wait to be settled as cancelled (cancel.ts) and never reach a
// provider, and so does a running one whose attempt failed and would be retried (the caller
// settles it, settle-unclaimed.ts); an attempt under way when the job was cancelled finishes,
// and cells an earlier batch handed over are resumed to record the calls already made.
// The row data returned is read from the rows themselves, not the update's RETURNING: the
// claim does not change it, and a join of two CTEs (no statistics, so a nested loop) would cost
// the square of the batch.

/** A ClaimedTask's select list, over a task `t`, its row `r` and its column `c`. */
const CLAIMED_COLUMNS = `t.id::text AS "taskId", t.table_id::text AS "tableId", t.row_id::text AS "rowId",
  t.column_id::text AS "columnId", t.job_id::text AS "jobId", t.attempts, r.data AS "rowData", c.key, c.label,
  c.data_type::text AS "dataType", c.recipe`;

export const CLAIM: Statement = {
  name: "glaze-claim-tasks",
  plan: "generic",
  hints: "cells",
  text: `
    WITH t AS (
      UPDATE cell_enrichment_tasks ct
         SET status = 'running', attempts = ct.attempts + CASE WHEN $2::bool THEN 0 ELSE 1 END, started_at = COALESCE(ct.started_at, now())
        FROM enrichment_jobs job
       WHERE ct.id = ANY($1::uuid[]) AND ${statusIn("ct", ["queued", "running"])}
         AND job.id = ct.job_id AND (job.status IN ('pending', 'running') OR (ct.status = 'running' AND $2::bool))
      RETURNING ct.id, ct.table_id, ct.row_id, ct.column_id, ct.job_id, ct.attempts
    ), per_row AS (
      SELECT row_id, ${pendingStatesOf("t", "running")} AS states
        FROM t WHERE $3::bool GROUP BY row_id
    ), r AS (
      UPDATE rows SET cell_states = ${mergeStates("per_row", true)}
        FROM per_row WHERE rows.id = per_row.row_id
    ), j AS (
      -- By id only (an array; the status compared as text, which no index serves), so the plan
      -- reads the listed jobs, not every pending one, whatever the statistics say.
      UPDATE enrichment_jobs SET status = 'running', started_at = COALESCE(started_at, now())
       WHERE id = ANY(ARRAY(SELECT DISTINCT job_id FROM t)) AND status::text = 'pending'
    )
    SELECT ${CLAIMED_COLUMNS}
      FROM t JOIN rows r ON r.id = t.row_id JOIN columns c ON c.id = t.column_id`,
};

// A running task whose attempt failed and will be tried again goes back to queued until its
// next attempt claims it, with the failure noted: "running" means an attempt is under way. A
// cancel then settles it with the job's other queued cells, at once (it stayed running, and
// the grid spinning, until its retry's backoff ended and a step found the job cancelled).
const REQUEUE: Statement = {
  name: "glaze-requeue-tasks",
  plan: "generic",
  hints: "cells",
  text: `
    WITH input AS (
      SELECT * FROM unnest($1::uuid[], $2::text[]) AS u(id, error)
    ), t AS (
      UPDATE cell_enrichment_tasks ct SET status = 'queued', error = COALESCE(input.error, ct.error)
        FROM input WHERE ct.id = input.id AND ${statusIn("ct", ["running"])}
      RETURNING ct.id, ct.row_id, ct.column_id
    ), per_row AS (
      SELECT row_id, ${pendingStatesOf("t", "queued")} AS states FROM t GROUP BY row_id ORDER BY row_id
    )
    UPDATE rows SET cell_states = ${mergeStates("per_row", true)}
      FROM per_row WHERE rows.id = per_row.row_id`,
};

/**
 * Puts running tasks whose attempt failed back to queued, to wait for their next attempt, each
 * with a note of why ("Attempt 1 failed: …").
 */
export async function requeueTasks(tasks: { taskId: string; error: string }[], tx?: Tx) {
  if (tasks.length === 0) return;
  await run(REQUEUE, [tasks.map((t) => t.taskId), tasks.map((t) => t.error)], tx);
}

export type ClaimedTask = {
  taskId: string;
  tableId: string;
  rowId: string;
  columnId: string;
  jobId: string;
  attempts: number;
  rowData: Record<string, unknown>;
  key: string;
  label: string;
  dataType: string;
  /** The column's enrichment recipe as stored (null: the demo provider). */
  recipe: unknown;
};

// What a claim would return, read without claiming: cells of columns with a recipe in one
// status, so that the orchestrator can tell which queued cells the provider cache answers
// (waterfall/cached.ts), and call a provider for running cells a batch handed over
// (waterfall/handover.ts).
const PEEK: Statement = {
  name: "glaze-peek-recipe-tasks",
  plan: "generic",
  text: `
    SELECT ${CLAIMED_COLUMNS}
      FROM cell_enrichment_tasks t JOIN rows r ON r.id = t.row_id JOIN columns c ON c.id = t.column_id
     WHERE t.id = ANY($1::uuid[]) AND t.status::text = $2 AND c.recipe IS NOT NULL`,
};

/** The tasks among `taskIds` in `status` whose column has a recipe, as a claim would see them (nothing is claimed). */
export async function peekRecipeTasks(
  taskIds: string[],
  status: "queued" | "running" = "queued",
): Promise<ClaimedTask[]> {
  if (taskIds.length === 0) return [];
  return run<ClaimedTask>(PEEK, [taskIds, status]);
}

export async function claimTasks(
  taskIds: string[],
  { resume = false, showRunning = true, tx }: { resume?: boolean; showRunning?: boolean; tx?: Tx } = {},
): Promise<ClaimedTask[]> {
  if (taskIds.length === 0) return [];
  return run<ClaimedTask>(CLAIM, [taskIds, resume, showRunning], tx);
}
