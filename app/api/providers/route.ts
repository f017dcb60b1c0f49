import { json, route } from "@/lib/api/handler";
import { listProviders } from "@/lib/providers/list";
import { workspaceOf } from "@/lib/providers/workspace";

// GET /api/providers – every adapter: fields, inputs, price, rate limit, and whether it is configured
export const GET = route(async (request) => json(await listProviders(await workspaceOf(request))));
