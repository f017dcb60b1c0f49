import { parseJsonBody } from "@/lib/api/body";
import { json, otherMethods, route } from "@/lib/api/handler";
import { createWorkspaceSchema } from "@/lib/auth/schemas";
import { createWorkspace, getWorkspace, listWorkspaces } from "@/lib/auth/workspaces";

// GET /api/workspaces – the signed-in person's workspaces with their role (for a key: its own workspace)
export const GET = route({ permission: "authenticated" }, async (_request, _params, access) => {
  if (access.actor.userId) return json({ data: await listWorkspaces({ userId: access.actor.userId }) });
  return json({
    data: access.workspaceId ? [await getWorkspace({ workspaceId: access.workspaceId, role: null })] : [],
  });
});

// POST /api/workspaces – create a workspace; the signed-in person becomes its owner
export const POST = route({ permission: "authenticated", session: true }, async (request, _params, access) => {
  const { name } = await parseJsonBody(request, createWorkspaceSchema);
  return json(await createWorkspace({ userId: access.actor.userId as string, name }), 201);
});

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET", "POST");
