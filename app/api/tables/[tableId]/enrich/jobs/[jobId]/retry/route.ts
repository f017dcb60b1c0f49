import { orchestrator } from "@/inngest/orchestrator";
import { json, otherMethods, route } from "@/lib/api/handler";
import { retryFailedCells } from "@/lib/enrichment/enrich";
import { retryableOf } from "@/lib/enrichment/jobs";

type Params = { tableId: string; jobId: string };

// GET /api/tables/:tableId/enrich/jobs/:jobId/retry – { cells }: how many cells a retry would run (0: none)
export const GET = route<Params>({ permission: "read" }, async (_request, params) => json(await retryableOf(params)));

// POST /api/tables/:tableId/enrich/jobs/:jobId/retry – a new job for the job's failed cells
export const POST = route<Params>({ permission: "enrich", body: false }, async (_request, { tableId, jobId }, access) =>
  json(await retryFailedCells({ tableId, jobId, startedBy: access.actor, orchestrator }), 201),
);

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET", "POST");
