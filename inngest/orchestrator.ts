import type { Orchestrator } from "@/lib/enrichment/orchestrator";
import { inngest } from "./client";
import { enrichmentCancelled, enrichmentRequested } from "./events";

/** lib/'s Orchestrator, by events: the job function fans a job out; the settle function ends a cancel. */
export const orchestrator: Orchestrator = {
  async startJob(job) {
    await inngest.send(
      // The event id makes a re-dispatch of the same job idempotent on Inngest's side.
      enrichmentRequested.create(
        { jobId: job.jobId, tableId: job.tableId, totalTasks: job.totalTasks },
        { id: `enrichment-${job.jobId}` },
      ),
    );
  },
  async settleCancelledJob({ jobId, tableId }) {
    await inngest.send(enrichmentCancelled.create({ jobId, tableId }, { id: `enrichment-cancel-${jobId}` }));
  },
};
