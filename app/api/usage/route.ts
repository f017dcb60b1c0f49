import { parseQuery } from "@/lib/api/body";
import { json, otherMethods, route } from "@/lib/api/handler";
import { requireWorkspace } from "@/lib/auth/access";
import { usageQuery } from "@/lib/costs/schemas";
import { readUsage } from "@/lib/costs/usage";

// GET /api/usage?from&to&groupBy=provider|table|job|day – credits charged in the caller's workspace
export const GET = route({ permission: "read" }, async (request, _params, access) =>
  json(await readUsage(requireWorkspace(access), parseQuery(request, usageQuery))),
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
