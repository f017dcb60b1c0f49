import "server-only";
import { AppError, notFound } from "../errors";
import { type Access, workspaceAccess } from "./access";
import { lookUpKey, lookUpSession } from "./credentials";
import { PERMISSIONS, type Permission, permissionsOf } from "./permissions";
import { sessionToken } from "./session-cookie";

/** Who is asking: a signed-in person (session cookie) or an API key of one workspace. */
export type Principal =
  | { kind: "session"; userId: string; activeWorkspaceId: string | null }
  | { kind: "key"; keyId: string; workspaceId: string; scopes: Set<Permission> };

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const NO_ACCESS = new Set<Permission>();

export const unauthenticated = (message = "Sign in, or send an API key as Authorization: Bearer <key>") =>
  new AppError("unauthorized", message);

function scopesOf(permissions: string | null): Set<Permission> {
  try {
    const granted = (JSON.parse(permissions ?? "{}") as { workspace?: unknown }).workspace;
    return new Set(PERMISSIONS.filter((p) => Array.isArray(granted) && granted.includes(p)));
  } catch {
    return NO_ACCESS;
  }
}

/**
 * Authenticates a request by its API key (Authorization: Bearer) or, without one, its session
 * cookie, and works out its access: to the table the path names (one round trip in all; a
 * table of a workspace the caller cannot see is a 404, like one that does not exist), else to
 * the workspace it names or works in. Nothing about the credential ever appears in an error.
 */
export async function authorize(
  request: Request,
  target: { tableId?: string; workspaceId?: string },
): Promise<{ principal: Principal; access: Access }> {
  const tableId = target.tableId ?? null;
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    const match = BEARER.exec(authorization);
    if (!match) throw unauthenticated("The Authorization header must be: Bearer <API key>");
    const key = await lookUpKey(match[1], tableId);
    if (!key?.usable) throw unauthenticated("The API key is not valid (unknown, revoked, disabled or expired)");
    const principal: Principal = {
      kind: "key",
      keyId: key.id,
      workspaceId: key.workspaceId,
      scopes: scopesOf(key.permissions),
    };
    if (!tableId) return { principal, access: await workspaceAccess(principal, target.workspaceId) };
    if (key.tableWorkspaceId !== key.workspaceId) throw notFound("table", tableId);
    const actor = { userId: null, keyId: key.id };
    return { principal, access: { workspaceId: key.workspaceId, permissions: principal.scopes, role: null, actor } };
  }
  const token = await sessionToken(request.headers.get("cookie"));
  const session = token ? await lookUpSession(token, tableId) : undefined;
  if (!session?.live) throw unauthenticated();
  const principal: Principal = {
    kind: "session",
    userId: session.userId,
    activeWorkspaceId: session.activeWorkspaceId,
  };
  if (!tableId) return { principal, access: await workspaceAccess(principal, target.workspaceId) };
  if (!session.tableWorkspaceId || !session.role) throw notFound("table", tableId);
  const actor = { userId: session.userId, keyId: null };
  return {
    principal,
    access: {
      workspaceId: session.tableWorkspaceId,
      permissions: permissionsOf(session.role),
      role: session.role,
      actor,
    },
  };
}
