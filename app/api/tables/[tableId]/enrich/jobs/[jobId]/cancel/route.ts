import { orchestrator } from "@/inngest/orchestrator";
import { json, otherMethods, route } from "@/lib/api/handler";
import { cancelJob } from "@/lib/enrichment/jobs";

// POST /api/tables/:tableId/enrich/jobs/:jobId/cancel – stop queued cells; running ones finish
export const POST = route<{ tableId: string; jobId: string }>(
  { permission: "enrich", body: false },
  async (_request, { tableId, jobId }) => json(await cancelJob({ tableId, jobId, orchestrator })),
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
