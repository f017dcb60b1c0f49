import { otherMethods, route } from "@/lib/api/handler";
import { declineInvitation } from "@/lib/auth/invitations";

// POST /api/invitations/:invitationId/decline – the signed-in invitee turns it down (204; it is gone)
export const POST = route<{ invitationId: string }>(
  { permission: "authenticated", session: true, body: false },
  async (request, { invitationId }) => {
    await declineInvitation({ request, invitationId });
    return new Response(null, { status: 204 });
  },
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
