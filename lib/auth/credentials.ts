import "server-only";
import { createHash } from "node:crypto";
import { getPool } from "../db";

// The two lookups every API request makes, each one round trip with the table access folded
// in: a session token (from the signed cookie) or an API key's hash, joined with the table
// the request names, if any. Plain pg named statements: the ORM's per-call cost doubled
// these lookups here. Keys are looked up as @better-auth/api-key stores them (SHA-256,
// base64url without padding), with its rules: disabled, expired or used-up keys do not work.

export type SessionRow = {
  userId: string;
  activeWorkspaceId: string | null;
  live: boolean;
  /** The workspace of the table asked for, and the person's role in it (null: not a member). */
  tableWorkspaceId: string | null;
  role: string | null;
};

const SESSION = {
  name: "glaze-auth-session",
  text: `SELECT s.user_id AS "userId", s.active_organization_id AS "activeWorkspaceId", s.expires_at > now() AS live,
                t.workspace_id AS "tableWorkspaceId", m.role
           FROM sessions s
           LEFT JOIN tables t ON t.id = $2::uuid
           LEFT JOIN members m ON m.organization_id = t.workspace_id AND m.user_id = s.user_id
          WHERE s.token = $1`,
};

export async function lookUpSession(token: string, tableId: string | null): Promise<SessionRow | undefined> {
  const { rows } = await getPool().query<SessionRow>({ ...SESSION, values: [token, tableId] });
  return rows[0];
}

export type KeyRow = {
  id: string;
  workspaceId: string;
  permissions: string | null;
  usable: boolean;
  tableWorkspaceId: string | null;
};

const KEY = {
  name: "glaze-auth-api-key",
  text: `SELECT k.id, k.reference_id AS "workspaceId", k.permissions,
                (k.enabled IS NOT FALSE AND (k.expires_at IS NULL OR k.expires_at > now())
                  AND (k.remaining IS NULL OR k.remaining > 0)) AS usable,
                t.workspace_id AS "tableWorkspaceId"
           FROM api_keys k LEFT JOIN tables t ON t.id = $2::uuid
          WHERE k.key = $1`,
};

const TOUCH = {
  name: "glaze-auth-key-used",
  text: `UPDATE api_keys SET last_request = now()
          WHERE id = $1 AND (last_request IS NULL OR last_request < now() - interval '1 minute')`,
};

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("base64url");
}

export async function lookUpKey(key: string, tableId: string | null): Promise<KeyRow | undefined> {
  const { rows } = await getPool().query<KeyRow>({ ...KEY, values: [hashApiKey(key), tableId] });
  const row = rows[0];
  // "Last used", to the minute: written after the answer, at most once a minute per key.
  if (row?.usable)
    void getPool()
      .query({ ...TOUCH, values: [row.id] })
      .catch(() => {});
  return row;
}
