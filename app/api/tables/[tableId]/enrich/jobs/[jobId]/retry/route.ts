import { sendEnrichmentRequested } from "@/inngest/dispatch";
import { json, route } from "@/lib/api/handler";
import { dispatchJob } from "@/lib/enrichment/dispatch";
import { retryJob } from "@/lib/enrichment/jobs";

// POST /api/tables/:tableId/enrich/jobs/:jobId/retry – a new job for the job's failed cells
export const POST = route<{ tableId: string; jobId: string }>(async (_request, { tableId, jobId }) => {
  const job = await retryJob({ tableId, jobId });
  const dispatch = await dispatchJob(job, sendEnrichmentRequested);
  const message = `Created ${job.totalTasks} enrichment task${job.totalTasks === 1 ? "" : "s"} to retry the failed cells`;
  return json({ ...job, retryOf: jobId, message, ...(dispatch.dispatched ? {} : { error: dispatch.error }) }, 201);
});
