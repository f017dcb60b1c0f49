import { json, otherMethods, route } from "@/lib/api/handler";
import { getJob } from "@/lib/enrichment/jobs";

// GET /api/tables/:tableId/enrich/jobs/:jobId – job status, counters and progress
export const GET = route<{ tableId: string; jobId: string }>(
  { permission: "read" },
  async (_request, { tableId, jobId }) => json(await getJob({ tableId, jobId })),
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
