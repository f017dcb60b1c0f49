import { parseJsonBody } from "@/lib/api/body";
import { json, otherMethods, route } from "@/lib/api/handler";
import { removeMember, updateMemberRole } from "@/lib/auth/members";
import { updateMemberSchema } from "@/lib/auth/schemas";

type Params = { workspaceId: string; memberId: string };

// PATCH /api/workspaces/:workspaceId/members/:memberId – change a member's role (below admin: the
// API keys they made are revoked, and counted in revokedApiKeys)
export const PATCH = route<Params>(
  { permission: "read", admin: true },
  async (request, { workspaceId, memberId }, access) => {
    const { role } = await parseJsonBody(request, updateMemberSchema);
    const { revokedApiKeys } = await updateMemberRole({
      workspaceId,
      memberId,
      role,
      actorUserId: access.actor.userId as string,
    });
    return json({ id: memberId, role, revokedApiKeys });
  },
);

// DELETE /api/workspaces/:workspaceId/members/:memberId – remove someone from the workspace
// (owners and admins), or leave it (anyone, their own membership; not its last owner); the API
// keys they made are revoked
export const DELETE = route<Params>(
  { permission: "read", session: true, body: false },
  async (_request, { workspaceId, memberId }, access) => {
    await removeMember({ workspaceId, memberId, actorUserId: access.actor.userId as string });
    return new Response(null, { status: 204 });
  },
);

export const { GET, POST, PUT, OPTIONS } = otherMethods("PATCH", "DELETE");
