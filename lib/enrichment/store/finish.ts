import "server-only";
import type { Tx } from "../../db";
import { BUDGET_REACHED } from "../task-errors";
import { finalStateOf, mergeStates, previousRunOf, restoredCellsOf } from "./cell-states";
import { countInto, shardOfTasks } from "./counters";
import { run, type Statement } from "./run";
import { statusIn } from "./status-filter";
import { readValueChanged } from "./task-states";
import type { FinalTaskStatus } from "./types";

// Finishing tasks. recordResults: running → done/failed/skipped, only if still running (so a
// retried or duplicated call changes nothing); with `fromQueued`, also queued → final in one
// write (an attempt counted), for cells decided without running (the provider cache answered
// them outright, waterfall/cached.ts), unless their job was cancelled meanwhile; merges each
// value into Row.data and each state into Row.cell_states (the trigger derives the row
// status); counts each task into one counter shard of its job, all in one statement. A done
// result whose row was edited while the cell ran (the values its providers were asked about
// changed) is recorded failed instead: its value belongs to the old inputs.
// finalizeJobs then ends the jobs whose tasks are all final, after those results committed.

/**
 * A final result. A done result's `provider` is the provider its value came from ("demo" for
 * columns without a recipe); `details` adds to the stored result (the winning call, the
 * waterfall that ran). `skipped`: no provider could run (its `error` says which input was empty).
 */
export type TaskResult =
  | {
      taskId: string;
      status: "done";
      value: unknown;
      confidence: number;
      source: string;
      provider: string;
      details?: Record<string, unknown>;
      /**
       * The row's values (by column key, null: empty) the providers were asked about: if the
       * row no longer holds them when the result is recorded (someone edited them while the
       * cell ran), the value is not merged and the task ends failed, saying which changed.
       */
      reads?: Record<string, unknown>;
    }
  | {
      taskId: string;
      status: "failed" | "skipped";
      error: string;
      details?: Record<string, unknown>;
      /** As for done: a failure about values the row no longer holds says they changed instead. */
      reads?: Record<string, unknown>;
    };

export type FinishedTask = {
  taskId: string;
  /** As recorded: a done result whose row's inputs changed meanwhile is recorded failed, with `error` saying why. */
  status: FinalTaskStatus;
  error: string | null;
  jobId: string;
  tableId: string;
  jobStatus: string;
};

export const RECORD: Statement = {
  name: "glaze-record-results",
  plan: "generic",
  hints: "cells",
  text: `
    WITH input AS (
      SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::jsonb[], $5::float8[], $6::text[], $8::jsonb[])
                    AS u(id, status, result, value, confidence, error, reads)
    ), held AS (
      -- Done and failed results that say what their providers were asked about, with the keys
      -- of it the row no longer holds, read from their rows locked (in id order) before their tasks, as
      -- a hand-written value locks them: an edit either committed first and is seen here (the
      -- lock reads the row's latest version), or waits for this record.
      SELECT input.*,
             (SELECT string_agg(e.key, ', ' ORDER BY e.key) FROM jsonb_each(input.reads) e
               WHERE ${readValueChanged("r", "e")}) AS changed
        FROM input JOIN cell_enrichment_tasks ct ON ct.id = input.id JOIN rows r ON r.id = ct.row_id
       WHERE input.status IN ('done', 'failed') AND input.reads IS NOT NULL
       ORDER BY r.id FOR UPDATE OF r
    ), checked AS (
      SELECT * FROM held
      UNION ALL
      SELECT input.*, NULL::text FROM input WHERE NOT (input.status IN ('done', 'failed') AND input.reads IS NOT NULL)
    ), t AS (
      UPDATE cell_enrichment_tasks ct
         SET status = (CASE WHEN input.changed IS NULL THEN input.status ELSE 'failed' END)::"TaskStatus",
             result = input.result,
             confidence = CASE WHEN input.changed IS NULL THEN input.confidence END,
             error = CASE WHEN input.changed IS NULL THEN input.error
                          ELSE input.changed || ' changed while this cell ran; run it again' END,
             completed_at = now(),
             attempts = ct.attempts + CASE WHEN ct.status = 'queued' THEN 1 ELSE 0 END,
             started_at = COALESCE(ct.started_at, now())
        FROM checked AS input
       WHERE ct.id = input.id
         AND (${statusIn("ct", ["running"])}
              OR ($7::bool AND ${statusIn("ct", ["queued"])}
                  AND EXISTS (SELECT 1 FROM enrichment_jobs j WHERE j.id = ct.job_id AND j.status IN ('pending', 'running'))))
      RETURNING ct.id, ct.table_id, ct.row_id, ct.column_id, ct.job_id, ct.status, ct.confidence, ct.error, input.value,
                CASE WHEN input.changed IS NULL THEN input.result ->> 'provider' END AS provider, ct.created_at
    ), back AS (
      -- A cell a budget stopped before its call goes back to its previous run, as a cancelled
      -- one does (README: Budgets): a re-run that ran out of credits leaves the cells it did not
      -- reach as they were. A cell that never ran keeps "budget reached".
      SELECT t.row_id, t.column_id, t.id, c.key AS column_key, pv.state AS previous, pv.value_back, pv.typed_over
        FROM t LEFT JOIN columns c ON c.id = t.column_id
        JOIN LATERAL (${previousRunOf("t", "c.key")}) pv ON true
       WHERE t.status = 'skipped' AND t.error = '${BUDGET_REACHED}'
    ), per_back AS (
      SELECT row_id, ${restoredCellsOf("back")} FROM back GROUP BY row_id
    ), per_row AS (
      SELECT t.row_id,
             jsonb_object_agg(t.column_id::text, ${finalStateOf("t", "t.provider")}) AS states,
             jsonb_agg(jsonb_build_object('col', t.column_id::text, 'task', t.id::text, 'key', c.key, 'value', t.value))
               FILTER (WHERE t.status = 'done') AS vals
        FROM t JOIN columns c ON c.id = t.column_id
       GROUP BY t.row_id
    ), r AS (
      -- Each reads the row's states as they were (before this update).
      UPDATE rows
         SET data = CASE WHEN per_back.values_back IS NULL THEN glaze_merge_values(rows.data, rows.cell_states, per_row.vals)
                         ELSE glaze_restore_values(glaze_merge_values(rows.data, rows.cell_states, per_row.vals),
                                                   rows.cell_states, per_back.ended, per_back.values_back) END,
             cell_states = CASE WHEN per_back.ended IS NULL THEN ${mergeStates("per_row", true)}
                                ELSE glaze_restore_cell_states(${mergeStates("per_row", true)}, per_back.ended, per_back.previous) END,
             last_run_at = now(), updated_at = now()
        FROM per_row LEFT JOIN per_back ON per_back.row_id = per_row.row_id
       WHERE rows.id = per_row.row_id
    ), per_job AS (
      SELECT job_id, ${shardOfTasks("id")} AS shard,
             count(*) FILTER (WHERE status = 'done')::int AS done,
             count(*) FILTER (WHERE status = 'failed')::int AS failed,
             count(*) FILTER (WHERE status = 'skipped')::int AS skipped
        FROM t GROUP BY job_id
    ), counted AS (${countInto("per_job")})
    SELECT t.id::text AS "taskId", t.status::text AS status, t.error, t.job_id::text AS "jobId", t.table_id::text AS "tableId"
      FROM t`,
};

const FINALIZE: Statement = {
  name: "glaze-finalize-jobs",
  plan: "generic",
  text: `
    WITH sums AS (
      SELECT job_id, sum(done)::int AS done, sum(failed)::int AS failed, sum(skipped)::int AS skipped,
             sum(cancelled)::int AS cancelled
        FROM enrichment_job_counters WHERE job_id = ANY($1::uuid[]) GROUP BY job_id
    ), ended AS (
      UPDATE enrichment_jobs j
         SET status = (CASE WHEN j.status = 'cancelled' THEN 'cancelled'
                            WHEN sums.done > 0 OR sums.failed = sums.cancelled THEN 'completed' ELSE 'failed' END)::"JobStatus",
             completed_at = COALESCE(j.completed_at, now()), done_tasks = sums.done, failed_tasks = sums.failed,
             skipped_tasks = sums.skipped, cancelled_tasks = sums.cancelled
        FROM sums
       WHERE j.id = sums.job_id AND sums.done + sums.failed + sums.skipped >= j.total_tasks
         AND (j.status IN ('pending', 'running')
              OR (j.status = 'cancelled'
                  AND (j.done_tasks, j.failed_tasks, j.skipped_tasks, j.cancelled_tasks)
                      <> (sums.done, sums.failed, sums.skipped, sums.cancelled)))
      RETURNING j.id, j.status
    )
    SELECT j.id::text AS id, COALESCE(ended.status, j.status)::text AS status
      FROM enrichment_jobs j LEFT JOIN ended ON ended.id = j.id
     WHERE j.id = ANY($1::uuid[])`,
};

const NOTE_ATTEMPT_ERROR: Statement = {
  name: "glaze-note-attempt-error",
  plan: "generic",
  text: `UPDATE cell_enrichment_tasks t SET error = $2 WHERE t.id = $1::uuid AND ${statusIn("t", ["running"])}`,
};

/**
 * Records final results and ends the jobs they complete. `fromQueued`: queued tasks may be
 * finished too (without a claim first), as an attempt of their own.
 */
export async function finishTasks(
  results: TaskResult[],
  tx?: Tx,
  { fromQueued = false }: { fromQueued?: boolean } = {},
): Promise<FinishedTask[]> {
  if (results.length === 0) return [];
  const finished = await recordResults(results, fromQueued, tx);
  const jobs = await finalizeJobs([...new Set(finished.map((f) => f.jobId))], tx);
  return finished.map((f) => ({ ...f, jobStatus: jobs.get(f.jobId) ?? "running" }));
}

/**
 * Ends every listed job whose tasks are all final: `completed` if at least one succeeded or
 * none failed for real (a job of skipped cells, or of cells deleted before they ran), else
 * `failed` (a cancelled job stays cancelled), with the counter sums copied onto the
 * job. Run it after the results committed, so the last cell to commit always sees the full
 * count; when two cells both see it, the status guard lets only one of them end the job.
 * Returns each job's status.
 */
export async function finalizeJobs(jobIds: string[], tx?: Tx): Promise<Map<string, string>> {
  if (jobIds.length === 0) return new Map();
  const rows = await run<{ id: string; status: string }>(FINALIZE, [jobIds], tx);
  return new Map(rows.map((r) => [r.id, r.status]));
}

async function recordResults(
  results: TaskResult[],
  fromQueued: boolean,
  tx?: Tx,
): Promise<Omit<FinishedTask, "jobStatus">[]> {
  const now = new Date().toISOString();
  const ids = results.map((r) => r.taskId);
  const statuses = results.map((r) => r.status);
  const payload = results.map((r) =>
    r.status === "done"
      ? JSON.stringify({
          value: r.value,
          confidence: r.confidence,
          source: r.source,
          provider: r.provider,
          timestamp: now,
          ...r.details,
        })
      : r.details
        ? JSON.stringify({ timestamp: now, ...r.details })
        : null,
  );
  const values = results.map((r) => (r.status === "done" ? JSON.stringify(r.value ?? null) : null));
  const confidences = results.map((r) => (r.status === "done" ? r.confidence : null));
  const errors = results.map((r) => (r.status === "done" ? null : r.error));
  const reads = results.map((r) => (r.reads ? JSON.stringify(r.reads) : null));
  return run<Omit<FinishedTask, "jobStatus">>(
    RECORD,
    [ids, statuses, payload, values, confidences, errors, fromQueued, reads],
    tx,
  );
}

/** Records the error of a failed attempt that will be retried; the task stays running. */
export async function noteAttemptError(taskId: string, error: string, tx?: Tx) {
  await run(NOTE_ATTEMPT_ERROR, [taskId, error], tx);
}
