import "server-only";
import { AppError, notFound } from "../errors";
import { type Access, workspaceAccess } from "./access";
import { enforceApiRate } from "./api-rate-limit";
import { keyState, lookUpKey, lookUpSession } from "./credentials";
import { type Permission, permissionsOf, storedScopes } from "./permissions";
import { sessionToken } from "./session-cookie";
import { SHOWN_WORKSPACE_HEADER } from "./shown-workspace";

/** Who is asking: a signed-in person (session cookie) or an API key of one workspace. */
export type Principal =
  | { kind: "session"; userId: string; activeWorkspaceId: string | null }
  | { kind: "key"; keyId: string; workspaceId: string; scopes: Set<Permission> };

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The workspace a signed-in page shows (its header), if it sent one; 400 if malformed. */
function shownWorkspace(request: Request): string | undefined {
  const shown = request.headers.get(SHOWN_WORKSPACE_HEADER);
  if (shown === null) return undefined;
  if (!UUID.test(shown.trim())) {
    throw new AppError("bad_request", `The ${SHOWN_WORKSPACE_HEADER} header must be a workspace id`);
  }
  return shown.trim().toLowerCase();
}

export const unauthenticated = (message = "Sign in, or send an API key as Authorization: Bearer <key>") =>
  new AppError("unauthorized", message);

function scopesOf(permissions: string | null): Set<Permission> {
  // Keys made before write and enrich included read read too (storedScopes).
  return new Set(storedScopes(permissions));
}

/**
 * Authenticates a request by its API key (Authorization: Bearer) or, without one, its session
 * cookie, and works out its access: to the table the path names (one round trip in all; a
 * table of a workspace the caller cannot see is a 404, like one that does not exist), else to
 * the workspace it names or works in. An API key's request is counted against its rate limit
 * (429) in the same round trip. Nothing about the credential ever appears in an error.
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
    enforceApiRate(key.requests ?? 0, key.resetIn ?? 60);
    const principal: Principal = {
      kind: "key",
      keyId: key.id,
      workspaceId: key.workspaceId,
      scopes: scopesOf(key.permissions),
    };
    if (!tableId) {
      // A key acts for its own workspace: a header naming another is refused, not ignored.
      const shown = target.workspaceId === undefined ? shownWorkspace(request) : undefined;
      if (shown !== undefined && shown !== key.workspaceId) {
        throw new AppError(
          "forbidden",
          `An API key acts for its own workspace only; drop the ${SHOWN_WORKSPACE_HEADER} header or name that workspace`,
        );
      }
      return { principal, access: await workspaceAccess(principal, target.workspaceId) };
    }
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
  if (!tableId) {
    // A page names the workspace it shows: it works there, not in the one the person has
    // switched to since (in another tab). A path's workspace wins over it.
    const shown = target.workspaceId === undefined ? shownWorkspace(request) : undefined;
    const access = await workspaceAccess(principal, target.workspaceId ?? shown);
    if (shown !== undefined && access.workspaceId === null) {
      throw new AppError(
        "forbidden",
        "You are not a member of the workspace this page shows (any more): reload the page",
      );
    }
    return { principal, access };
  }
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

/**
 * Whether the credentials `request` was made with still grant `permission` on the table: the
 * key still works and is of its workspace, or the session is live and its person still a
 * member with a role that grants it. Counts no request against a key's rate limit. For event
 * streams, which outlive the request that authorized them.
 */
export async function stillPermitted(request: Request, tableId: string, permission: Permission): Promise<boolean> {
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    const match = BEARER.exec(authorization);
    const key = match ? await keyState(match[1], tableId) : undefined;
    return Boolean(
      key?.usable && key.tableWorkspaceId === key.workspaceId && scopesOf(key.permissions).has(permission),
    );
  }
  const token = await sessionToken(request.headers.get("cookie"));
  const session = token ? await lookUpSession(token, tableId) : undefined;
  return Boolean(session?.live && session.role && permissionsOf(session.role).has(permission));
}
