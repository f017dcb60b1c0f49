import { json, otherMethods, route } from "@/lib/api/handler";
import { requireWorkspace } from "@/lib/auth/access";
import { listProviders } from "@/lib/providers/list";

// GET /api/providers – every adapter: fields, inputs, price, rate limit, and whether it is configured in the caller's workspace
export const GET = route({ permission: "read" }, async (_request, _params, access) =>
  json(await listProviders(requireWorkspace(access))),
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
