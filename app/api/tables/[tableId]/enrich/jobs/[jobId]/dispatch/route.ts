import { orchestrator } from "@/inngest/orchestrator";
import { json, otherMethods, route } from "@/lib/api/handler";
import { redispatchJob } from "@/lib/enrichment/enrich";

// POST /api/tables/:tableId/enrich/jobs/:jobId/dispatch – hand a pending job to the orchestrator again
export const POST = route<{ tableId: string; jobId: string }>(
  { permission: "enrich", body: false },
  async (_request, { tableId, jobId }) => json(await redispatchJob({ tableId, jobId, orchestrator })),
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
