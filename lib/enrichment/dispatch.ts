import { getDb } from "../db";
import type { CreatedJob } from "./create-job";

export type JobDispatcher = (job: CreatedJob) => Promise<void>;

export type DispatchResult = { dispatched: true } | { dispatched: false; error: string };

/**
 * Hands a committed job to the orchestrator. If that fails, the job keeps its tasks and
 * records why it is not running (visible in the API and the grid), so it is never lost
 * silently; POST .../jobs/:jobId/dispatch tries again.
 */
export async function dispatchJob(job: CreatedJob, dispatcher: JobDispatcher, db = getDb()): Promise<DispatchResult> {
  try {
    await dispatcher(job);
    await db.enrichmentJob.updateMany({
      where: { id: job.jobId, error: { startsWith: "Could not start" } },
      data: { error: null },
    });
    return { dispatched: true };
  } catch (error) {
    const message = `Could not start the job: the orchestrator did not accept it (${error instanceof Error ? error.message : String(error)})`;
    console.error(`[enrichment] job ${job.jobId}: ${message}`);
    await db.enrichmentJob.update({ where: { id: job.jobId }, data: { error: message } });
    return { dispatched: false, error: message };
  }
}
