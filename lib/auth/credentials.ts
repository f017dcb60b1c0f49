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
  /** Requests of a usable key in the current minute, this one included (null for unusable keys). */
  requests: number | null;
  /** Seconds until that minute's window ends. */
  resetIn: number | null;
};

// The lookup also counts the request against the key's per-minute limit (an unlogged table
// shared by every app instance; a fixed window, so a burst straddling a window's end can reach
// twice the limit): one round trip for both. Each backend counts into its own row of the window
// (shard = its pid) and adds the other rows as its snapshot sees them: 50 concurrent requests
// of one key queued on a single row's lock, each waiting for the one before to commit (a burst
// of 50 GET job took 755 ms against 75 ms for /api/health). Requests counted concurrently on
// other backends may be missed, so a key can exceed its limit by at most the requests in flight.
/** A key by its hash ($1), whether it works, and the workspace of the table $2 (if any). */
const KEY_ROW = `SELECT k.id, k.reference_id AS "workspaceId", k.permissions,
                  (k.enabled IS NOT FALSE AND (k.expires_at IS NULL OR k.expires_at > now())
                    AND (k.remaining IS NULL OR k.remaining > 0)) AS usable,
                  t.workspace_id AS "tableWorkspaceId"
             FROM api_keys k LEFT JOIN tables t ON t.id = $2::uuid
            WHERE k.key = $1`;

const KEY = {
  name: "glaze-auth-api-key",
  text: `WITH k AS (${KEY_ROW}), counted AS (
           INSERT INTO api_rate_windows (key_id, window_start, shard, count)
           SELECT id, date_trunc('minute', now()), pg_backend_pid(), 1 FROM k WHERE usable
           ON CONFLICT (key_id, window_start, shard) DO UPDATE SET count = api_rate_windows.count + 1
           RETURNING key_id, window_start, count,
                     ceil(extract(epoch from (window_start + interval '1 minute' - now())))::int AS "resetIn"
         ), others AS (
           SELECT sum(w.count)::int AS count FROM api_rate_windows w JOIN counted c
                  ON w.key_id = c.key_id AND w.window_start = c.window_start AND w.shard <> pg_backend_pid()
         )
         SELECT k.*, counted.count + COALESCE(others.count, 0) AS requests, counted."resetIn"
           FROM k LEFT JOIN counted ON true LEFT JOIN others ON true`,
};

// The same key and table, without counting a request: an event stream checking that the key
// it opened with still works (lib/realtime/access-guard.ts).
const KEY_STATE = {
  name: "glaze-auth-api-key-state",
  text: `SELECT k.*, NULL::int AS requests, NULL::int AS "resetIn" FROM (${KEY_ROW}) k`,
};

export async function keyState(key: string, tableId: string | null): Promise<KeyRow | undefined> {
  const { rows } = await getPool().query<KeyRow>({ ...KEY_STATE, values: [hashApiKey(key), tableId] });
  return rows[0];
}

const TOUCH = {
  name: "glaze-auth-key-used",
  text: `UPDATE api_keys SET last_request = now()
          WHERE id = $1 AND (last_request IS NULL OR last_request < now() - interval '1 minute')`,
};

// When this process last sent a key's "last used": the update is sent at most once a minute
// per key and process, not as a second round trip on every request.
const touched = new Map<string, number>();

function touch(keyId: string) {
  const now = Date.now();
  if (now - (touched.get(keyId) ?? 0) < 60_000) return;
  if (touched.size >= 10_000) touched.clear();
  touched.set(keyId, now);
  void getPool()
    .query({ ...TOUCH, values: [keyId] })
    .catch(() => touched.delete(keyId));
}

export async function lookUpKey(key: string, tableId: string | null): Promise<KeyRow | undefined> {
  const { rows } = await getPool().query<KeyRow>({ ...KEY, values: [hashApiKey(key), tableId] });
  const row = rows[0];
  // "Last used", to the minute: written after the answer, at most once a minute per key.
  if (row?.usable) touch(row.id);
  return row;
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("base64url");
}
