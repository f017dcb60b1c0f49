import "server-only";
import { getDb } from "../db";
import type { CreatedJob } from "./create-job";
import type { Orchestrator } from "./orchestrator";
import { JobErrorCode } from "./policy";

export type DispatchResult = { dispatched: true } | { dispatched: false; error: string };

/**
 * Hands a committed job to the orchestrator. If that fails, the job keeps its tasks and
 * records why it is not running (visible in the API and the grid), so it is never lost
 * silently; POST .../jobs/:jobId/dispatch tries again, and so does the watchdog.
 */
export async function dispatchJob(job: CreatedJob, orchestrator: Orchestrator, db = getDb()): Promise<DispatchResult> {
  try {
    await orchestrator.startJob(job);
    await db.enrichmentJob.updateMany({
      where: { id: job.jobId, errorCode: JobErrorCode.dispatchFailed },
      data: { error: null, errorCode: null },
    });
    return { dispatched: true };
  } catch (error) {
    const message = `Could not start the job: the orchestrator did not accept it (${error instanceof Error ? error.message : String(error)})`;
    console.error(`[enrichment] job ${job.jobId}: ${message}`);
    await db.enrichmentJob.update({
      where: { id: job.jobId },
      data: { error: message, errorCode: JobErrorCode.dispatchFailed },
    });
    return { dispatched: false, error: message };
  }
}
