import { json, otherMethods, route } from "@/lib/api/handler";
import { requireWorkspace } from "@/lib/auth/access";
import { estimateRetry } from "@/lib/costs/estimate";

// POST /api/tables/:tableId/enrich/jobs/:jobId/retry/estimate – what POST …/retry would cost; creates nothing (read)
export const POST = route<{ tableId: string; jobId: string }>(
  { permission: "read", body: false },
  async (_request, { tableId, jobId }, access) =>
    json(await estimateRetry({ tableId, jobId, workspaceId: requireWorkspace(access) })),
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
