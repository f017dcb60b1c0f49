import { parseJsonBody, parseQuery } from "@/lib/api/body";
import { json, route } from "@/lib/api/handler";
import { AppError } from "@/lib/errors";
import { deleteCredential, putCredential } from "@/lib/providers/list";
import { credentialQuery, putCredentialSchema, vendorParam } from "@/lib/providers/schemas";
import { workspaceOf } from "@/lib/providers/workspace";

// The folder is [provider], not [providerId]: route() treats *Id params as uuids.
type Params = { provider: string };

function vendorOf(provider: string) {
  const parsed = vendorParam.safeParse(provider);
  if (!parsed.success) throw new AppError("not_found", `provider ${provider} was not found`);
  return parsed.data;
}

// PUT /api/providers/:providerId/credentials – store the workspace's key (encrypted; answers its last 4 characters)
export const PUT = route<Params>(async (request, { provider }) => {
  const vendor = vendorOf(provider);
  const input = await parseJsonBody(request, putCredentialSchema);
  return json(await putCredential({ workspaceId: await workspaceOf(request), vendor, input }));
});

// DELETE /api/providers/:providerId/credentials – forget the workspace's key (?name= for an HTTP secret)
export const DELETE = route<Params>(async (request, { provider }) => {
  const vendor = vendorOf(provider);
  const { name } = parseQuery(request, credentialQuery);
  await deleteCredential({ workspaceId: await workspaceOf(request), vendor, name });
  return new Response(null, { status: 204 });
});
