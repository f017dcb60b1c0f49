import { parseJsonBody } from "@/lib/api/body";
import { json, otherMethods, route } from "@/lib/api/handler";
import { requireWorkspace, spendControlWorkspace } from "@/lib/auth/access";
import { putLimitsSchema } from "@/lib/costs/schemas";
import { getLimits, putLimits } from "@/lib/costs/workspace-costs";

// GET /api/workspace/provider-limits – each provider's rate limit (shared by every worker) and cache lifetime
export const GET = route({ permission: "read" }, async (_request, _params, access) =>
  json(await getLimits(requireWorkspace(access))),
);

// PUT /api/workspace/provider-limits – { rateLimits?: { [providerId]: { limit, periodSeconds } | null }, cacheTtlDays?: { [providerId]: days | null } }
export const PUT = route(
  { permission: "write", what: "change this workspace's provider limits" },
  async (request, _params, access) => {
    const workspaceId = spendControlWorkspace(access);
    return json(await putLimits(workspaceId, await parseJsonBody(request, putLimitsSchema)));
  },
);

export const { POST, PATCH, DELETE, OPTIONS } = otherMethods("GET", "PUT");
