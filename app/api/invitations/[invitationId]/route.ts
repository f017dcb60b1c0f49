import { json, otherMethods, publicRoute } from "@/lib/api/handler";
import { describeInvitation } from "@/lib/auth/invitations";

// GET /api/invitations/:invitationId – what the invitation link shows (workspace, email, role); the id is the secret
export const GET = publicRoute<{ invitationId: string }>(async (_request, { invitationId }) =>
  json(await describeInvitation({ invitationId })),
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
