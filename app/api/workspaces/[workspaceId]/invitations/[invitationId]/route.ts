import { otherMethods, route } from "@/lib/api/handler";
import { cancelInvitation } from "@/lib/auth/invitations";

// DELETE /api/workspaces/:workspaceId/invitations/:invitationId – cancel a pending invitation (its link stops working)
export const DELETE = route<{ workspaceId: string; invitationId: string }>(
  { permission: "read", admin: true, body: false },
  async (_request, { workspaceId, invitationId }, access) => {
    await cancelInvitation({ workspaceId, invitationId, role: access.role });
    return new Response(null, { status: 204 });
  },
);

export const { GET, POST, PUT, PATCH, OPTIONS } = otherMethods("DELETE");
