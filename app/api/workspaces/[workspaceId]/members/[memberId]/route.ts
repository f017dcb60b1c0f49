import { parseJsonBody } from "@/lib/api/body";
import { json, otherMethods, route } from "@/lib/api/handler";
import { removeMember, updateMemberRole } from "@/lib/auth/members";
import { updateMemberSchema } from "@/lib/auth/schemas";

type Params = { workspaceId: string; memberId: string };

// PATCH /api/workspaces/:workspaceId/members/:memberId – change a member's role
export const PATCH = route<Params>(
  { permission: "read", admin: true },
  async (request, { workspaceId, memberId }, access) => {
    const { role } = await parseJsonBody(request, updateMemberSchema);
    await updateMemberRole({ workspaceId, memberId, role, actorRole: access.role as string });
    return json({ id: memberId, role });
  },
);

// DELETE /api/workspaces/:workspaceId/members/:memberId – remove someone from the workspace
export const DELETE = route<Params>(
  { permission: "read", admin: true },
  async (_request, { workspaceId, memberId }, access) => {
    await removeMember({ workspaceId, memberId, actorRole: access.role as string });
    return new Response(null, { status: 204 });
  },
);

export const { GET, POST, PUT, OPTIONS } = otherMethods("PATCH", "DELETE");
