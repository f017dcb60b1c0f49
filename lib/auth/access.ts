import "server-only";
import { getDb } from "../db";
import { AppError } from "../errors";
import { secretsOf } from "../providers/adapters/http-spec";
import type { Principal } from "./context";
import { isAdminRole, type Permission, permissionsOf } from "./permissions";

/**
 * What a request may do, and where: the workspace it acts in (the table's, or for requests
 * that name no table the key's own or the person's active workspace) and its permissions
 * there. `actor` is recorded on what it starts (enrichment jobs).
 */
export type Access = {
  workspaceId: string | null;
  permissions: Set<Permission>;
  /** The person's role in the workspace; null for an API key (keys have scopes, not roles). */
  role: string | null;
  actor: { userId: string | null; keyId: string | null };
};

const NO_ACCESS = new Set<Permission>();

function actorOf(principal: Principal) {
  return principal.kind === "key"
    ? { userId: null, keyId: principal.keyId }
    : { userId: principal.userId, keyId: null };
}

async function roleIn(workspaceId: string, userId: string): Promise<string | undefined> {
  const member = await getDb().member.findUnique({
    where: { organizationId_userId: { organizationId: workspaceId, userId } },
    select: { role: true },
  });
  return member?.role;
}

/** Access to a workspace named by the request (or implied by its key / active workspace). */
export async function workspaceAccess(principal: Principal, workspaceId?: string): Promise<Access> {
  const actor = actorOf(principal);
  if (principal.kind === "key") {
    const own = workspaceId === undefined || workspaceId === principal.workspaceId;
    return own
      ? { workspaceId: principal.workspaceId, permissions: principal.scopes, role: null, actor }
      : { workspaceId: null, permissions: NO_ACCESS, role: null, actor };
  }
  let target = workspaceId ?? principal.activeWorkspaceId;
  let role = target ? await roleIn(target, principal.userId) : undefined;
  if (role === undefined && workspaceId === undefined) {
    // No active workspace, or one the person has left or that was deleted: their first
    // workspace, as their pages show (lib/auth/page-session.ts), not "no workspace selected".
    const first = await getDb().member.findFirst({
      where: { userId: principal.userId },
      orderBy: { createdAt: "asc" },
      select: { organizationId: true, role: true },
    });
    target = first?.organizationId ?? null;
    role = first?.role;
  }
  return role === undefined || !target
    ? { workspaceId: null, permissions: NO_ACCESS, role: null, actor }
    : { workspaceId: target, permissions: permissionsOf(role), role, actor };
}

const WHAT: Record<Permission, string> = {
  read: "read this workspace's tables",
  write: "change this workspace's tables",
  enrich: "start enrichment in this workspace",
};

/** 403 unless `access` grants `permission` (a viewer writing, a key without the scope). */
export function requirePermission(access: Access, permission: Permission, principal: Principal, what?: string) {
  if (access.permissions.has(permission)) return;
  // A person with no (or no longer a) workspace is not refused for a role: they have none.
  if (principal.kind === "session" && access.workspaceId === null) requireWorkspace(access);
  const who =
    principal.kind === "key" ? `This API key lacks the "${permission}" scope` : "Your role does not allow you";
  throw new AppError("forbidden", `${who} to ${what ?? WHAT[permission]}`, { required: permission });
}

/** 403 unless a person who administers the workspace (owner or admin) is asking. */
export function requireAdmin(access: Access) {
  if (access.role !== null && isAdminRole(access.role)) return;
  throw new AppError("forbidden", "Only the workspace's owners and admins (signed in) may do this");
}

/** The workspace a request that names no table works in; 409 if a person has none yet. */
export function requireWorkspace(access: Access): string {
  if (access.workspaceId) return access.workspaceId;
  throw new AppError(
    "conflict",
    "You have no workspace selected: create one (POST /api/workspaces), switch to one of yours, or ask for an invitation",
  );
}

/**
 * A column recipe that sends the workspace's stored secrets (an HTTP column's
 * `{{secret:name}}` headers) hands them to whatever the recipe calls, so creating or changing
 * one asks what storing a secret does: a person must be an owner or admin; an API key needs
 * the write scope (the route checked it), and only admins create keys.
 */
export async function requireSecretUse(
  access: Access,
  recipe: { http?: { headers: Record<string, string> } } | null | undefined,
) {
  const http = recipe?.http;
  const names = http ? secretsOf(http) : [];
  if (!http || names.length === 0) return;
  if (access.role !== null && !isAdminRole(access.role)) {
    throw new AppError(
      "forbidden",
      "Only the workspace's owners and admins may save a recipe that sends a stored secret ({{secret:…}})",
    );
  }
  // A secret never stored would fail every cell of the column when it runs: say so now.
  const stored = await getDb().providerCredential.findMany({
    where: { workspaceId: requireWorkspace(access), provider: "http", name: { in: names } },
    select: { name: true },
  });
  const missing = names.filter((name) => !stored.some((s) => s.name === name));
  if (missing.length === 0) return;
  throw new AppError(
    "validation_failed",
    `The recipe sends secrets this workspace has not stored: ${missing.join(", ")}. Store them first (workspace settings → Provider keys, or PUT /api/providers/http/credentials)`,
    Object.entries(http.headers).flatMap(([header, template]) => {
      const unknown = secretsOf({ headers: { [header]: template } }).filter((name) => missing.includes(name));
      return unknown.map((name) => ({
        path: `recipe.http.headers.${header}`,
        message: `no secret named "${name}" is stored`,
      }));
    }),
  );
}

/**
 * The workspace of a request that changes what the workspace may spend (provider keys,
 * prices, limits, budgets): a person must be an owner or admin; an API key needs the write
 * scope (the route checked it), and only admins can create keys.
 */
export function spendControlWorkspace(access: Access): string {
  if (access.role !== null) requireAdmin(access);
  return requireWorkspace(access);
}
