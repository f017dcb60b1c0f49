import { json, otherMethods, route } from "@/lib/api/handler";
import { requireWorkspace } from "@/lib/auth/access";
import { listProviders } from "@/lib/providers/list";

type Params = { tableId: string };

// GET /api/tables/:tableId/providers – the providers as the table's workspace has them (configured, demo mode, alerts)
export const GET = route<Params>({ permission: "read" }, async (_request, _params, access) =>
  json(await listProviders(requireWorkspace(access))),
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
