import { createAccessControl } from "better-auth/plugins/access";
import { adminAc, defaultStatements, memberAc, ownerAc } from "better-auth/plugins/organization/access";

// Who may do what in a workspace. Shared by the server (better-auth's organization plugin and
// Glaze's own checks) and the browser (to hide what a viewer cannot do). Pure: no server code.

/** What a request needs: reading tables, changing them, or starting enrichment (which spends money). */
export const PERMISSIONS = ["read", "write", "enrich"] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** API keys carry these scopes, the same words as the permissions they grant. */
export const API_KEY_SCOPES = PERMISSIONS;
export type ApiKeyScope = Permission;

/**
 * The scopes a key has, given those asked for: `write` and `enrich` include `read`, as a
 * write's answer shows what it wrote and a job's selection can be a filter over the rows
 * (a "write-only" key could read through them). In API_KEY_SCOPES order.
 */
export function withImpliedScopes(scopes: readonly string[]): ApiKeyScope[] {
  const given = new Set(scopes);
  if (given.has("write") || given.has("enrich")) given.add("read");
  return API_KEY_SCOPES.filter((scope) => given.has(scope));
}

/** The scopes of a key as stored (`{"workspace":["read",…]}` text), with those they include; none if unreadable. */
export function storedScopes(permissions: string | null): ApiKeyScope[] {
  try {
    const granted = (JSON.parse(permissions ?? "{}") as { workspace?: unknown }).workspace;
    return withImpliedScopes(Array.isArray(granted) ? granted.filter((p) => typeof p === "string") : []);
  } catch {
    return [];
  }
}

export const statement = {
  ...defaultStatements,
  // Checked by @better-auth/api-key for workspace-owned keys.
  apiKey: ["create", "read", "update", "delete"],
  workspace: PERMISSIONS,
} as const;

export const ac = createAccessControl(statement);

const ALL_KEYS = ["create", "read", "update", "delete"] as const;

// `roles` replaces better-auth's defaults, so owner, admin and member are defined again here.
export const roles = {
  owner: ac.newRole({ ...ownerAc.statements, apiKey: ALL_KEYS, workspace: PERMISSIONS }),
  admin: ac.newRole({ ...adminAc.statements, apiKey: ALL_KEYS, workspace: PERMISSIONS }),
  member: ac.newRole({ ...memberAc.statements, workspace: PERMISSIONS }),
  viewer: ac.newRole({ workspace: ["read"] }),
};
export type Role = keyof typeof roles;
export const ROLES = Object.keys(roles) as Role[];

/**
 * The permissions of a member with `role` (better-auth stores several roles comma-separated;
 * a permission is granted if any of them grants it). Unknown roles grant nothing.
 */
export function permissionsOf(role: string): Set<Permission> {
  const granted = new Set<Permission>();
  for (const name of role.split(",").map((r) => r.trim())) {
    if (!Object.hasOwn(roles, name)) continue;
    for (const permission of roles[name as Role].statements.workspace ?? []) granted.add(permission);
  }
  return granted;
}

/** Whether `role` (possibly several, comma-separated) is the workspace's owner. */
export function isOwnerRole(role: string | null | undefined): boolean {
  return (role ?? "").split(",").some((r) => r.trim() === "owner");
}

/** Roles that manage the workspace itself: members, invitations, API keys. */
export function isAdminRole(role: string): boolean {
  return role.split(",").some((r) => r.trim() === "owner" || r.trim() === "admin");
}
