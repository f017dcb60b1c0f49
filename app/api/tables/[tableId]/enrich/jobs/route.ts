import { parseQuery } from "@/lib/api/body";
import { json, otherMethods, route } from "@/lib/api/handler";
import { listJobs } from "@/lib/enrichment/jobs";
import { listJobsQuery } from "@/lib/enrichment/schemas";

// GET /api/tables/:tableId/enrich/jobs – the table's jobs, newest first
export const GET = route<{ tableId: string }>({ permission: "read" }, async (request, { tableId }) =>
  json(await listJobs({ tableId, ...parseQuery(request, listJobsQuery) })),
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
