import { parseJsonBody } from "@/lib/api/body";
import { json, otherMethods, route } from "@/lib/api/handler";
import { inviteToWorkspace, listInvitations } from "@/lib/auth/invitations";
import { inviteSchema } from "@/lib/auth/schemas";

type Params = { workspaceId: string };

// GET /api/workspaces/:workspaceId/invitations – pending invitations, each with its link (to the owner role: owners only)
export const GET = route<Params>({ permission: "read", admin: true }, async (request, { workspaceId }, access) =>
  json({ data: await listInvitations({ request, workspaceId, role: access.role }) }),
);

// POST /api/workspaces/:workspaceId/invitations – invite someone by email; answers the link to send them
export const POST = route<Params>({ permission: "read", admin: true }, async (request, { workspaceId }, access) =>
  json(
    await inviteToWorkspace({
      request,
      workspaceId,
      role: access.role,
      input: await parseJsonBody(request, inviteSchema),
    }),
    201,
  ),
);

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET", "POST");
