import { json, otherMethods, route } from "@/lib/api/handler";
import { listMembers } from "@/lib/auth/members";

// GET /api/workspaces/:workspaceId/members – who is in the workspace, with their roles
export const GET = route<{ workspaceId: string }>(
  { permission: "read", session: true },
  async (_request, { workspaceId }) => json({ data: await listMembers({ workspaceId }) }),
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
