import "server-only";
import type { Tx } from "../../db";
import { run, type Statement } from "./run";
import type { JobStatus, TaskStatus } from "./types";

export type TaskState = {
  id: string;
  status: TaskStatus;
  value: unknown;
  confidence: number | null;
  error: string | null;
  jobId: string;
  jobStatus: JobStatus;
};

const TASK_STATES: Statement = {
  name: "glaze-task-states",
  plan: "generic",
  text: `SELECT t.id::text AS id, t.status::text AS status, t.result -> 'value' AS value, t.confidence, t.error,
                t.job_id::text AS "jobId", j.status::text AS "jobStatus"
           FROM cell_enrichment_tasks t JOIN enrichment_jobs j ON j.id = t.job_id
          WHERE t.id = ANY($1::uuid[])`,
};

/** Where the listed tasks stand (tasks that do not exist are left out). */
export async function readTaskStates(taskIds: string[], tx?: Tx): Promise<TaskState[]> {
  if (taskIds.length === 0) return [];
  return run<TaskState>(TASK_STATES, [taskIds], tx);
}

/**
 * SQL: the value read `read` (a jsonb_each entry of a task's `reads`: key, and value as claimed,
 * JSON null for empty) is no longer what row `row` holds. The record of a result (finish.ts)
 * and a waterfall between its calls (readChangedInputs) judge a changed input alike.
 */
export const readValueChanged = (row: string, read: string) =>
  `(${row}.data -> ${read}.key) IS DISTINCT FROM NULLIF(${read}.value, 'null'::jsonb)`;

const CHANGED_INPUTS: Statement = {
  name: "glaze-changed-inputs",
  plan: "generic",
  text: `SELECT i.task_id::text AS id
           FROM unnest($1::uuid[], $2::uuid[], $3::jsonb[]) AS i(task_id, row_id, reads)
           JOIN rows r ON r.id = i.row_id
          WHERE EXISTS (SELECT 1 FROM jsonb_each(i.reads) e WHERE ${readValueChanged("r", "e")})`,
};

/**
 * The listed cells whose row no longer holds the values their providers are asked about
 * (`reads`, as claimed; compared as the record of a result compares them, finish.ts).
 */
export async function readChangedInputs(
  cells: { taskId: string; rowId: string; reads: Record<string, unknown> }[],
): Promise<Set<string>> {
  if (cells.length === 0) return new Set();
  const rows = await run<{ id: string }>(CHANGED_INPUTS, [
    cells.map((c) => c.taskId),
    cells.map((c) => c.rowId),
    cells.map((c) => JSON.stringify(c.reads)),
  ]);
  return new Set(rows.map((r) => r.id));
}
