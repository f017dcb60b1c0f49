import "server-only";
import { AppError } from "../errors";
import { readApiKey } from "./api-key-verify";
import { PERMISSIONS, type Permission } from "./permissions";
import { getAuth } from "./server";

/** Who is asking: a signed-in person (session cookie) or an API key of one workspace. */
export type Principal =
  | { kind: "session"; userId: string; activeWorkspaceId: string | null }
  | { kind: "key"; keyId: string; workspaceId: string; scopes: Set<Permission> };

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export const unauthenticated = (message = "Sign in, or send an API key as Authorization: Bearer <key>") =>
  new AppError("unauthorized", message);

/**
 * Authenticates a request by its API key (Authorization: Bearer) or, without one, its session
 * cookie. Nothing about the credential ever appears in an error.
 */
export async function authenticate(request: Request): Promise<Principal> {
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    const match = BEARER.exec(authorization);
    if (!match) throw unauthenticated("The Authorization header must be: Bearer <API key>");
    const key = await readApiKey(match[1]);
    if (!key) throw unauthenticated("The API key is not valid (unknown, revoked, disabled or expired)");
    const scopes = new Set(PERMISSIONS.filter((p) => key.scopes.includes(p)));
    return { kind: "key", keyId: key.id, workspaceId: key.workspaceId, scopes };
  }
  const session = await getAuth().api.getSession({ headers: request.headers });
  if (!session) throw unauthenticated();
  return {
    kind: "session",
    userId: session.user.id,
    activeWorkspaceId: (session.session as { activeOrganizationId?: string | null }).activeOrganizationId ?? null,
  };
}
