import "server-only";
import type { Tx } from "../../db";
import { countsOf } from "./counters";
import { run, type Statement } from "./run";
import type { JobRecord, JobStatus } from "./types";

// Reading jobs with their live counts: one statement each, summing the counter shards in SQL.

const JOB_COLUMNS = `j.id::text AS id, j.table_id::text AS "tableId", j.status::text AS status,
  j.total_tasks AS "totalTasks", COALESCE(counts.done, j.done_tasks) AS "doneTasks",
  COALESCE(counts.failed, j.failed_tasks) AS "failedTasks",
  COALESCE(counts.skipped, j.skipped_tasks) AS "skippedTasks",
  COALESCE(counts.cancelled, j.cancelled_tasks) AS "cancelledTasks", j.error, j.error_code AS "errorCode",
  j.created_at AS "createdAt", j.started_at AS "startedAt", j.completed_at AS "completedAt",
  j.created_by_user_id AS "createdByUserId", j.created_by_key_id AS "createdByKeyId",
  j.max_credits AS "maxCredits", j.budget_reached AS "budgetReached", j.retried_at AS "retriedAt",
  COALESCE(j.column_ids::text[], '{}') AS "columnIds",
  COALESCE((SELECT b.spent FROM credit_budgets b WHERE b.key = 'job:' || j.id::text), 0)::float8 AS "creditsSpent"`;

const GET_JOB: Statement = {
  name: "glaze-get-job",
  plan: "generic",
  text: `SELECT ${JOB_COLUMNS} FROM enrichment_jobs j LEFT JOIN ${countsOf("j")} ON true
          WHERE j.id = $1::uuid AND j.table_id = $2::uuid`,
};

/** The job if it belongs to the table; this is what every client polls, so it is one round trip. */
export async function readJob({ tableId, jobId }: { tableId: string; jobId: string }, tx?: Tx) {
  const [job] = await run<JobRecord>(GET_JOB, [jobId, tableId], tx);
  return job as JobRecord | undefined;
}

const LIST_JOBS: Statement = {
  name: "glaze-list-jobs",
  plan: "generic",
  text: `SELECT ${JOB_COLUMNS}, count(*) OVER ()::int AS total
           FROM enrichment_jobs j LEFT JOIN ${countsOf("j")} ON true
          WHERE j.table_id = $1::uuid AND ($2::text IS NULL OR j.status::text = $2)
          ORDER BY j.created_at DESC, j.id DESC LIMIT $3 OFFSET $4`,
};

const COUNT_JOBS: Statement = {
  name: "glaze-count-jobs",
  plan: "generic",
  text: `SELECT count(*)::int AS total FROM enrichment_jobs WHERE table_id = $1::uuid AND ($2::text IS NULL OR status::text = $2)`,
};

/** A page of the table's jobs, newest first, and how many there are in all. */
export async function readJobs(
  { tableId, status, limit, offset }: { tableId: string; status?: JobStatus; limit: number; offset: number },
  tx?: Tx,
): Promise<{ jobs: JobRecord[]; total: number }> {
  const rows = await run<JobRecord & { total: number }>(LIST_JOBS, [tableId, status ?? null, limit, offset], tx);
  if (rows.length > 0) return { jobs: rows, total: rows[0].total };
  // An empty page (or past the end) still reports the total.
  const [{ total }] = await run<{ total: number }>(COUNT_JOBS, [tableId, status ?? null], tx);
  return { jobs: [], total };
}
