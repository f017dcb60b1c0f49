import { parseJsonBody } from "@/lib/api/body";
import { json, otherMethods, route } from "@/lib/api/handler";
import { createApiKey, listApiKeys } from "@/lib/auth/api-keys";
import { createApiKeySchema } from "@/lib/auth/schemas";

type Params = { workspaceId: string };

// GET /api/workspaces/:workspaceId/api-keys – the workspace's keys: name, scopes, created and last used (never the key)
export const GET = route<Params>({ permission: "read", admin: true }, async (_request, { workspaceId }) =>
  json({ data: await listApiKeys({ workspaceId }) }),
);

// POST /api/workspaces/:workspaceId/api-keys – a new key with scopes; the key is in this answer only
export const POST = route<Params>({ permission: "read", admin: true }, async (request, { workspaceId }, access) => {
  const input = await parseJsonBody(request, createApiKeySchema);
  return json(await createApiKey({ workspaceId, userId: access.actor.userId as string, input }), 201);
});

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET", "POST");
