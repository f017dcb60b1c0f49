import { otherMethods, route } from "@/lib/api/handler";
import { revokeApiKey } from "@/lib/auth/api-keys";

// DELETE /api/workspaces/:workspaceId/api-keys/:keyId – revoke a key (it stops working at once)
export const DELETE = route<{ workspaceId: string; keyId: string }>(
  { permission: "read", admin: true, body: false },
  async (_request, { workspaceId, keyId }) => {
    await revokeApiKey({ workspaceId, keyId });
    return new Response(null, { status: 204 });
  },
);

export const { GET, POST, PUT, PATCH, OPTIONS } = otherMethods("DELETE");
