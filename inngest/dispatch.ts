import type { CreatedJob } from "@/lib/enrichment/create-job";
import { inngest } from "./client";
import { enrichmentRequested } from "./events";

/** The JobDispatcher of the app: one event per job; the job function fans it out. */
export async function sendEnrichmentRequested(job: CreatedJob) {
  await inngest.send(
    // The event id makes a re-dispatch of the same job idempotent on Inngest's side.
    enrichmentRequested.create(
      { jobId: job.jobId, tableId: job.tableId, totalTasks: job.totalTasks },
      { id: `enrichment-${job.jobId}` },
    ),
  );
}
