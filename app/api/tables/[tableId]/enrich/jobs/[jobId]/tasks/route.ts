import { parseQuery } from "@/lib/api/body";
import { json, otherMethods, route } from "@/lib/api/handler";
import { listTasks } from "@/lib/enrichment/jobs";
import { listTasksQuery } from "@/lib/enrichment/schemas";

// GET /api/tables/:tableId/enrich/jobs/:jobId/tasks – the job's cell tasks, filterable by status
export const GET = route<{ tableId: string; jobId: string }>(
  { permission: "read" },
  async (request, { tableId, jobId }) =>
    json(await listTasks({ tableId, jobId, ...parseQuery(request, listTasksQuery) })),
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
