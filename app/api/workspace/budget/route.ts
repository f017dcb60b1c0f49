import { parseJsonBody } from "@/lib/api/body";
import { json, otherMethods, route } from "@/lib/api/handler";
import { requireWorkspace, spendControlWorkspace } from "@/lib/auth/access";
import { putBudgetSchema } from "@/lib/costs/schemas";
import { getBudget, putBudget } from "@/lib/costs/workspace-costs";

// GET /api/workspace/budget – the monthly budget, what is spent and reserved this month, the confirm threshold
export const GET = route({ permission: "read" }, async (_request, _params, access) =>
  json(await getBudget(requireWorkspace(access))),
);

// PUT /api/workspace/budget – { monthlyCredits?: number | null, confirmThreshold?: number | null }; below this month's spend → 422
export const PUT = route(
  { permission: "write", what: "change this workspace's budget" },
  async (request, _params, access) => {
    const workspaceId = spendControlWorkspace(access);
    return json(await putBudget(workspaceId, await parseJsonBody(request, putBudgetSchema)));
  },
);

export const { POST, PATCH, DELETE, OPTIONS } = otherMethods("GET", "PUT");
