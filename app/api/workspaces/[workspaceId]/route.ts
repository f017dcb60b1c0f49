import { parseJsonBody } from "@/lib/api/body";
import { json, otherMethods, route } from "@/lib/api/handler";
import { renameWorkspaceSchema } from "@/lib/auth/schemas";
import { getWorkspace, renameWorkspace } from "@/lib/auth/workspaces";

type Params = { workspaceId: string };

// GET /api/workspaces/:workspaceId – the workspace, with the caller's role (a key: null)
export const GET = route<Params>({ permission: "read" }, async (_request, { workspaceId }, access) =>
  json(await getWorkspace({ workspaceId, role: access.role })),
);

// PATCH /api/workspaces/:workspaceId – rename it (owners and admins)
export const PATCH = route<Params>({ permission: "read", admin: true }, async (request, { workspaceId }, access) => {
  const { name } = await parseJsonBody(request, renameWorkspaceSchema);
  return json(await renameWorkspace({ workspaceId, name, role: access.role }));
});

export const { POST, PUT, DELETE, OPTIONS } = otherMethods("GET", "PATCH");
