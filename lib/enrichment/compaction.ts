import "server-only";
import { env } from "../env";
import { COMPACTION_BATCH, COMPACTION_STEP_TASKS, TASK_RETENTION_DAYS } from "./policy";
import { compactTaskBatch, markJobCompacted, readNextDueJob } from "./store";

// The retention pass: superseded tasks of jobs that ended more than GLAZE_TASK_RETENTION_DAYS
// ago are deleted (what is kept, and why: lib/enrichment/store/compact.ts), job after job, in
// batches of COMPACTION_BATCH tasks. The job records and their counters stay, so GET job and
// the jobs list answer as before; the job's tasks list then shows the tasks that remain.
// A pass is cut into steps of bounded work; the cursor carries it from one step to the next.

/** Where a pass stands: the last job it finished, and the job it is in the middle of. */
export type CompactionCursor = {
  lastJobId: string | null;
  job: { id: string; after: number; passStartedAt: string } | null;
};

export type CompactionStep = {
  cursor: CompactionCursor;
  /** Nothing is due any more: the pass is over. */
  finished: boolean;
  jobs: number;
  examined: number;
  deleted: number;
  batches: number;
};

export function retentionSeconds() {
  return Math.max(0, env.taskRetentionDays ?? TASK_RETENTION_DAYS) * 86_400;
}

/**
 * Compacts until `maxTasks` tasks were looked at or nothing is due, starting at `cursor`
 * (null: a new pass). Idempotent: a pass over compacted jobs deletes nothing.
 */
export async function compactTasksStep({
  cursor,
  maxTasks = COMPACTION_STEP_TASKS,
  batchSize = COMPACTION_BATCH,
  retention = retentionSeconds(),
}: {
  cursor: CompactionCursor | null;
  maxTasks?: number;
  batchSize?: number;
  /** Seconds since a job ended before its tasks are due. */
  retention?: number;
}): Promise<CompactionStep> {
  const state: CompactionCursor = cursor ?? { lastJobId: null, job: null };
  const step = { jobs: 0, examined: 0, deleted: 0, batches: 0 };
  while (step.examined < maxTasks) {
    if (!state.job) {
      const due = await readNextDueJob({ retentionSeconds: retention, after: state.lastJobId });
      if (!due) return { cursor: state, finished: true, ...step };
      state.job = { id: due.id, after: 0, passStartedAt: new Date(due.passStartedAt).toISOString() };
    }
    const job = state.job;
    const limit = Math.min(batchSize, maxTasks - step.examined);
    const batch = await compactTaskBatch({ jobId: job.id, after: job.after, limit });
    step.batches++;
    step.examined += batch.examined;
    step.deleted += batch.deleted;
    if (batch.examined < limit || batch.lastOrdinal === null) {
      await markJobCompacted({ jobId: job.id, passStartedAt: job.passStartedAt });
      step.jobs++;
      state.lastJobId = job.id;
      state.job = null;
    } else {
      job.after = batch.lastOrdinal;
    }
  }
  return { cursor: state, finished: false, ...step };
}

/** A whole pass in one call (tests, scripts); the Inngest function runs it step by step. */
export async function compactTasks(options: { maxTasks?: number; batchSize?: number; retention?: number } = {}) {
  const total = { jobs: 0, examined: 0, deleted: 0, batches: 0 };
  let cursor: CompactionCursor | null = null;
  for (;;) {
    const step: CompactionStep = await compactTasksStep({ ...options, cursor });
    total.jobs += step.jobs;
    total.examined += step.examined;
    total.deleted += step.deleted;
    total.batches += step.batches;
    if (step.finished) return total;
    cursor = step.cursor;
  }
}
