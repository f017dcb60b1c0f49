import type { CreatedJob } from "./create-job";

/**
 * What lib/ asks of the orchestrator, as a seam that keeps lib/ free of the Inngest SDK:
 * inngest/orchestrator.ts implements it by sending events. Each call may fail (the
 * orchestrator is unreachable); callers record that, and the watchdog catches up.
 */
export type Orchestrator = {
  /** Run a committed job's tasks. */
  startJob(job: CreatedJob): Promise<void>;
  /** Settle the queued tasks of a cancelled job that the cancel request left. */
  settleCancelledJob(job: { jobId: string; tableId: string }): Promise<void>;
};
