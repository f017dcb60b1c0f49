import "server-only";
import { run, type Statement } from "./run";

// Retention: the statements that delete superseded tasks of long-ended jobs. What a cell still
// needs is kept, whatever its age:
// - its latest task (rows.cell_states points at it: status, error, the grid's colour, the
//   row's derived status, retry of its job);
// - its latest done task, which sourced the value rows.data holds ("Why this value?" reads its
//   result and its provider_calls, the provenance of that value), even when a later run failed,
//   was skipped or is still queued.
// Every other final task of the cell is superseded: a failed or skipped task with a newer task
// of the same cell, or a done task with a newer done task. Its provider_calls go with it
// (ON DELETE CASCADE). Tasks of jobs that have not ended are never looked at, and tasks that are
// not final never deleted. A cell whose cell_states has no entry keeps all its tasks.

/** The job to compact next: ended before the cutoff and with something new to look at. */
export type DueJob = { id: string; tableId: string; passStartedAt: Date };

// A job is due when it was never compacted, or when a job of its table ended after its last
// pass: only a task that ended later can supersede what the last pass kept. Jobs are walked in
// id order after `after`, so one run visits each job once.
const NEXT_DUE_JOB: Statement = {
  name: "glaze-next-due-compaction",
  plan: "custom",
  text: `
    SELECT j.id::text AS id, j.table_id::text AS "tableId", now() AS "passStartedAt"
      FROM enrichment_jobs j
     WHERE j.status IN ('completed', 'failed', 'cancelled')
       AND j.completed_at < now() - make_interval(secs => $1::float8)
       AND ($2::uuid IS NULL OR j.id > $2::uuid)
       AND (j.compacted_at IS NULL OR EXISTS (
             SELECT 1 FROM enrichment_jobs n
              WHERE n.table_id = j.table_id AND n.id <> j.id AND n.completed_at > j.compacted_at))
     ORDER BY j.id
     LIMIT 1`,
};

/** The next job whose tasks are due for compaction after job id `after`, or undefined. */
export async function readNextDueJob({
  retentionSeconds,
  after,
}: {
  retentionSeconds: number;
  after: string | null;
}): Promise<DueJob | undefined> {
  const [job] = await run<DueJob>(NEXT_DUE_JOB, [retentionSeconds, after]);
  return job;
}

// One bounded batch: the job's next `limit` tasks by ordinal after `after` (the unique
// (job_id, ordinal) index), of which the superseded ones are deleted. Each task costs a row
// look-up by id and one probe of the cell's tasks (row_id, column_id, created_at): the work is
// `limit`, whatever the size of the table.
const COMPACT_BATCH: Statement = {
  name: "glaze-compact-task-batch",
  plan: "generic",
  text: `
    WITH examined AS (
      SELECT t.id, t.ordinal, t.status, t.row_id, t.column_id, t.created_at
        FROM cell_enrichment_tasks t
       WHERE t.job_id = $1::uuid AND t.ordinal > $2::int
       ORDER BY t.ordinal
       LIMIT $3::int
    ), superseded AS (
      SELECT e.id
        FROM examined e JOIN rows r ON r.id = e.row_id
       WHERE e.status IN ('done', 'failed', 'skipped')
         AND (r.cell_states -> e.column_id::text ->> 't')::uuid <> e.id
         AND EXISTS (
               SELECT 1 FROM cell_enrichment_tasks n
                WHERE n.row_id = e.row_id AND n.column_id = e.column_id AND n.created_at > e.created_at
                  AND (e.status <> 'done' OR n.status = 'done'))
    ), gone AS (
      DELETE FROM cell_enrichment_tasks d USING superseded s WHERE d.id = s.id RETURNING d.id
    )
    SELECT (SELECT count(*) FROM examined)::int AS examined,
           (SELECT count(*) FROM gone)::int AS deleted,
           (SELECT max(ordinal) FROM examined)::int AS "lastOrdinal"`,
};

export type CompactedBatch = { examined: number; deleted: number; lastOrdinal: number | null };

/** Compacts the next `limit` tasks (by ordinal, after `after`) of an ended job. */
export async function compactTaskBatch({
  jobId,
  after,
  limit,
}: {
  jobId: string;
  after: number;
  limit: number;
}): Promise<CompactedBatch> {
  const [batch] = await run<CompactedBatch>(COMPACT_BATCH, [jobId, after, limit]);
  return batch;
}

// The pass started at `passStartedAt` saw every job that had ended by then. A job whose end
// committed during the pass may carry an earlier completed_at, hence the margin: such a job
// makes this one due again, so nothing superseded is kept for ever.
const MARK_COMPACTED: Statement = {
  name: "glaze-mark-job-compacted",
  plan: "generic",
  text: `UPDATE enrichment_jobs SET compacted_at = $2::timestamptz - interval '10 minutes' WHERE id = $1::uuid`,
};

/** Records that a pass that started at `passStartedAt` went through every task of the job. */
export async function markJobCompacted({ jobId, passStartedAt }: { jobId: string; passStartedAt: Date | string }) {
  await run(MARK_COMPACTED, [jobId, passStartedAt]);
}
