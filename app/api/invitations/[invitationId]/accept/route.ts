import { json, otherMethods, route } from "@/lib/api/handler";
import { acceptInvitation } from "@/lib/auth/invitations";

// POST /api/invitations/:invitationId/accept – the signed-in invitee joins the workspace (it becomes active)
export const POST = route<{ invitationId: string }>(
  { permission: "authenticated", session: true, body: false },
  async (request, { invitationId }) => json(await acceptInvitation({ request, invitationId })),
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
