import { orchestrator } from "@/inngest/orchestrator";
import { json, otherMethods, route } from "@/lib/api/handler";
import { retryFailedCells } from "@/lib/enrichment/enrich";

// POST /api/tables/:tableId/enrich/jobs/:jobId/retry – a new job for the job's failed cells
export const POST = route<{ tableId: string; jobId: string }>(
  { permission: "enrich", body: false },
  async (_request, { tableId, jobId }, access) =>
    json(await retryFailedCells({ tableId, jobId, startedBy: access.actor, orchestrator }), 201),
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
