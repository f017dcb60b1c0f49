import { parseJsonBody } from "@/lib/api/body";
import { json, otherMethods, route } from "@/lib/api/handler";
import { requireWorkspace, spendControlWorkspace } from "@/lib/auth/access";
import { putPricesSchema } from "@/lib/costs/schemas";
import { getPrices, putPrices } from "@/lib/costs/workspace-costs";

// GET /api/workspace/prices – every provider's price in credits (per answered call, per found result) in the caller's workspace
export const GET = route({ permission: "read" }, async (_request, _params, access) =>
  json(await getPrices(requireWorkspace(access))),
);

// PUT /api/workspace/prices – override prices: { prices: { [providerId]: { creditsPerCall?, creditsPerFound? } | null } }
export const PUT = route(
  { permission: "write", what: "change this workspace's provider prices" },
  async (request, _params, access) => {
    const workspaceId = spendControlWorkspace(access);
    return json(await putPrices(workspaceId, await parseJsonBody(request, putPricesSchema)));
  },
);

export const { POST, PATCH, DELETE, OPTIONS } = otherMethods("GET", "PUT");
