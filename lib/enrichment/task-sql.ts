import type { Tx } from "../db";
import { runStatement } from "./sql";
import { withDbRetry } from "./sql-retry";

// The two statements every cell goes through, for one cell or a batch alike. Each is a
// single SQL statement (its own transaction), so a cell costs two round trips:
//  - claimTasks: queued/running → running (attempts + 1), the row's cell state → running,
//    the job pending → running; returns what the provider needs.
//  - finishTasks: running → done/failed, only if still running (so a retried or duplicate
//    call changes nothing), merges the value into Row.data and the cell state into
//    Row.cell_states (the trigger derives the row status), and counts each task into one
//    of its job's counter shards exactly once; then the job ends if its last task is final.

const CLAIM_SQL = `
    WITH t AS (
      UPDATE cell_enrichment_tasks
         SET status = 'running', attempts = attempts + 1, started_at = COALESCE(started_at, now())
       WHERE id = ANY($1::uuid[]) AND status IN ('queued', 'running')
      RETURNING id, row_id, column_id, job_id, attempts
    ), per_row AS (
      SELECT row_id, jsonb_object_agg(column_id::text, jsonb_build_object('t', id, 's', 'running')) AS states
        FROM t GROUP BY row_id
    ), r AS (
      UPDATE rows SET cell_states = glaze_merge_cell_states(rows.cell_states, per_row.states, true)
        FROM per_row WHERE rows.id = per_row.row_id
      RETURNING rows.id, rows.data
    ), j AS (
      UPDATE enrichment_jobs SET status = 'running', started_at = COALESCE(started_at, now())
       WHERE id IN (SELECT DISTINCT job_id FROM t) AND status = 'pending'
    )
    SELECT t.id AS "taskId", t.row_id AS "rowId", t.column_id AS "columnId", t.job_id AS "jobId",
           t.attempts, r.data AS "rowData", c.key, c.label, c.data_type::text AS "dataType"
      FROM t JOIN r ON r.id = t.row_id JOIN columns c ON c.id = t.column_id`;

export type ClaimedTask = {
  taskId: string;
  rowId: string;
  columnId: string;
  jobId: string;
  attempts: number;
  rowData: Record<string, unknown>;
  key: string;
  label: string;
  dataType: string;
};

export async function claimTasks(taskIds: string[], db?: Tx): Promise<ClaimedTask[]> {
  if (taskIds.length === 0) return [];
  return withDbRetry(() => runStatement<ClaimedTask>("glaze-claim-tasks", CLAIM_SQL, [taskIds], db));
}

export type TaskResult =
  | { taskId: string; status: "done"; value: unknown; confidence: number; source: string }
  | { taskId: string; status: "failed"; error: string };

export type FinishedTask = { taskId: string; status: "done" | "failed"; jobId: string; jobStatus: string };

/** Counter rows per job (see EnrichmentJobCounter in schema.prisma). */
export const COUNTER_SHARDS = 16;

const FINALIZE_SQL = `
    WITH sums AS (
      SELECT job_id, sum(done)::int AS done, sum(failed)::int AS failed
        FROM enrichment_job_counters WHERE job_id = ANY($1::uuid[]) GROUP BY job_id
    ), ended AS (
      UPDATE enrichment_jobs j
         SET status = (CASE WHEN j.status = 'cancelled' THEN 'cancelled'
                            WHEN sums.done > 0 THEN 'completed' ELSE 'failed' END)::"JobStatus",
             completed_at = COALESCE(j.completed_at, now()), done_tasks = sums.done, failed_tasks = sums.failed
        FROM sums
       WHERE j.id = sums.job_id AND sums.done + sums.failed >= j.total_tasks
         AND (j.status IN ('pending', 'running')
              OR (j.status = 'cancelled' AND (j.done_tasks, j.failed_tasks) <> (sums.done, sums.failed)))
      RETURNING j.id, j.status
    )
    SELECT j.id, COALESCE(ended.status, j.status)::text AS status
      FROM enrichment_jobs j LEFT JOIN ended ON ended.id = j.id
     WHERE j.id = ANY($1::uuid[])`;

const RECORD_SQL = `
    WITH input AS (
      SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::jsonb[],
                           $5::float8[], $6::text[])
                    AS u(id, status, result, value, confidence, error)
    ), t AS (
      UPDATE cell_enrichment_tasks ct
         SET status = input.status::"TaskStatus", result = input.result, confidence = input.confidence,
             error = input.error, completed_at = now()
        FROM input
       WHERE ct.id = input.id AND ct.status = 'running'
      RETURNING ct.id, ct.row_id, ct.column_id, ct.job_id, ct.status, ct.confidence, ct.error, input.value
    ), per_row AS (
      SELECT t.row_id,
             jsonb_object_agg(t.column_id::text,
               jsonb_strip_nulls(jsonb_build_object('t', t.id, 's', t.status, 'c', t.confidence, 'e', t.error))) AS states,
             jsonb_agg(jsonb_build_object('col', t.column_id::text, 'task', t.id::text, 'key', c.key, 'value', t.value))
               FILTER (WHERE t.status = 'done') AS vals
        FROM t JOIN columns c ON c.id = t.column_id
       GROUP BY t.row_id
    ), r AS (
      UPDATE rows
         SET data = glaze_merge_values(rows.data, rows.cell_states, per_row.vals),
             cell_states = glaze_merge_cell_states(rows.cell_states, per_row.states, true),
             last_run_at = now(), updated_at = now()
        FROM per_row WHERE rows.id = per_row.row_id
    ), per_job AS (
      SELECT job_id, (abs(hashtext(min(id::text))) % ${COUNTER_SHARDS})::smallint AS shard,
             count(*) FILTER (WHERE status = 'done')::int AS done,
             count(*) FILTER (WHERE status = 'failed')::int AS failed
        FROM t GROUP BY job_id
    ), counted AS (
      UPDATE enrichment_job_counters c
         SET done = c.done + per_job.done, failed = c.failed + per_job.failed
        FROM per_job WHERE c.job_id = per_job.job_id AND c.shard = per_job.shard
    )
    SELECT t.id AS "taskId", t.status::text AS status, t.job_id AS "jobId"
      FROM t`;

export async function finishTasks(results: TaskResult[], db?: Tx): Promise<FinishedTask[]> {
  if (results.length === 0) return [];
  const finished = await recordResults(results, db);
  const jobs = await finalizeJobs([...new Set(finished.map((f) => f.jobId))], db);
  return finished.map((f) => ({ ...f, jobStatus: jobs.get(f.jobId) ?? "running" }));
}

/**
 * Ends every listed job whose tasks are all final: `completed` if at least one succeeded,
 * else `failed`, with the counter sums copied onto the job. It runs after the results were
 * committed, so the last cell to commit always sees the full count; when two cells both
 * see it, the status guard lets only one of them end the job. Returns each job's status.
 */
export async function finalizeJobs(jobIds: string[], db?: Tx): Promise<Map<string, string>> {
  if (jobIds.length === 0) return new Map();
  const rows = await withDbRetry(() =>
    runStatement<{ id: string; status: string }>("glaze-finalize-jobs", FINALIZE_SQL, [jobIds], db),
  );
  return new Map(rows.map((r) => [r.id, r.status]));
}

async function recordResults(results: TaskResult[], db?: Tx): Promise<Omit<FinishedTask, "jobStatus">[]> {
  const now = new Date().toISOString();
  const ids = results.map((r) => r.taskId);
  const statuses = results.map((r) => r.status);
  const payload = results.map((r) =>
    r.status === "done"
      ? JSON.stringify({ value: r.value, confidence: r.confidence, source: r.source, timestamp: now })
      : null,
  );
  const values = results.map((r) => (r.status === "done" ? JSON.stringify(r.value ?? null) : null));
  const confidences = results.map((r) => (r.status === "done" ? r.confidence : null));
  const errors = results.map((r) => (r.status === "failed" ? r.error : null));
  return withDbRetry(() =>
    runStatement<Omit<FinishedTask, "jobStatus">>(
      "glaze-record-results",
      RECORD_SQL,
      [ids, statuses, payload, values, confidences, errors],
      db,
    ),
  );
}

/** Records the error of a failed attempt that will be retried; the task stays running. */
export async function noteAttemptError(taskId: string, error: string, db?: Tx) {
  await runStatement(
    "glaze-note-attempt-error",
    "UPDATE cell_enrichment_tasks SET error = $2 WHERE id = $1::uuid AND status = 'running'",
    [taskId, error],
    db,
  );
}
