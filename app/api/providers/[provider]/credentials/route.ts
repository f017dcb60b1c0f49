import { parseJsonBody, parseQuery } from "@/lib/api/body";
import { json, otherMethods, route } from "@/lib/api/handler";
import { type Access, requireAdmin, requireWorkspace } from "@/lib/auth/access";
import { AppError } from "@/lib/errors";
import { deleteCredential, putCredential } from "@/lib/providers/list";
import { credentialQuery, putCredentialSchema, vendorParam } from "@/lib/providers/schemas";

// The folder is [provider], not [providerId]: route() treats *Id params as uuids.
type Params = { provider: string };

function vendorOf(provider: string) {
  const parsed = vendorParam.safeParse(provider);
  if (!parsed.success) throw new AppError("not_found", `provider ${provider} was not found`);
  return parsed.data;
}

/**
 * Provider keys spend the workspace's money: a person must be an owner or admin; an API key
 * needs the write scope (route() checked it), and only admins can create keys.
 */
function credentialsWorkspace(access: Access): string {
  if (access.role !== null) requireAdmin(access);
  return requireWorkspace(access);
}

// PUT /api/providers/:providerId/credentials – store the workspace's key (encrypted; answers its last 4 characters)
export const PUT = route<Params>(
  { permission: "write", what: "change this workspace's provider keys" },
  async (request, { provider }, access) => {
    const workspaceId = credentialsWorkspace(access);
    const vendor = vendorOf(provider);
    const input = await parseJsonBody(request, putCredentialSchema);
    return json(await putCredential({ workspaceId, vendor, input }));
  },
);

// DELETE /api/providers/:providerId/credentials – forget the workspace's key (?name= for an HTTP secret)
export const DELETE = route<Params>(
  { permission: "write", what: "change this workspace's provider keys", body: false, query: true },
  async (request, { provider }, access) => {
    const workspaceId = credentialsWorkspace(access);
    const vendor = vendorOf(provider);
    const { name } = parseQuery(request, credentialQuery);
    await deleteCredential({ workspaceId, vendor, name });
    return new Response(null, { status: 204 });
  },
);

export const { GET, POST, PATCH, OPTIONS } = otherMethods("PUT", "DELETE");
