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
