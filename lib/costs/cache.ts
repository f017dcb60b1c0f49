import "server-only";
import { randomUUID } from "node:crypto";
import { run, type Statement } from "../enrichment/store/run";
import { env } from "../env";

// The provider cache and its single-flight, in Postgres so that every process shares both.
// A `ready` row is an answer (found or not found) reused until it expires; a hit costs
// nothing. Before an upstream call, the caller claims the key with a `pending` row: the one
// that inserts it (or takes over an expired one, or a stale claim whose process died) calls
// upstream, everyone else with the same key waits for its result by polling. A claim that
// ends without a cacheable answer is released, and the waiters claim again.

/** What a cached answer holds: the call as recorded, without cost. */
export type CachedAnswer = {
  outcome: "found" | "not_found";
  value: unknown;
  confidence: number | null;
  rawConfidence: unknown;
  source: string | null;
  httpStatus: number | null;
  evidence: unknown;
  payload: unknown;
};

export type CacheHit = { answer: CachedAnswer; fetchedAt: Date };

export const CACHEABLE_OUTCOMES = new Set(["found", "not_found"]);

const LOOKUP: Statement = {
  name: "glaze-cache-lookup",
  plan: "generic",
  text: `SELECT key, result, fetched_at AS "fetchedAt" FROM provider_cache
          WHERE workspace_id = $1 AND provider = $2 AND key = ANY($3::text[])
            AND result IS NOT NULL AND expires_at > now() AND state = 'ready'`,
};

/** Fresh answers for the keys, in one statement. */
export async function lookupCached(workspaceId: string, provider: string, keys: string[]) {
  const out = new Map<string, CacheHit>();
  if (keys.length === 0) return out;
  const rows = await run<{ key: string; result: CachedAnswer; fetchedAt: Date }>(LOOKUP, [
    workspaceId,
    provider,
    [...new Set(keys)],
  ]);
  for (const row of rows) out.set(row.key, { answer: row.result, fetchedAt: row.fetchedAt });
  return out;
}

const CLAIM: Statement = {
  name: "glaze-cache-claim",
  plan: "generic",
  text: `
    INSERT INTO provider_cache (workspace_id, provider, key, state, owner, lease_until)
    VALUES ($1, $2, $3, 'pending', $4, now() + make_interval(secs => $5::float8 / 1000))
    ON CONFLICT (workspace_id, provider, key) DO UPDATE
       SET state = 'pending', owner = EXCLUDED.owner, lease_until = EXCLUDED.lease_until
     WHERE (provider_cache.state = 'ready' AND (provider_cache.expires_at <= now() OR $6::boolean))
        OR (provider_cache.state = 'pending' AND provider_cache.lease_until < now())
    RETURNING owner`,
};

const PEEK: Statement = {
  name: "glaze-cache-peek",
  plan: "generic",
  text: `SELECT state, result, fetched_at AS "fetchedAt", expires_at > now() AS fresh, lease_until < now() AS stale
           FROM provider_cache WHERE workspace_id = $1 AND provider = $2 AND key = $3`,
};

export type Flight = { owner: string } | { hit: CacheHit };

/**
 * Claims the key for one upstream call, or waits for whoever holds it: either this caller
 * owns the call now ({ owner }), or someone else's answer arrived ({ hit }). `refresh` claims
 * over a fresh answer too (refresh: true on enrich).
 */
export async function claimOrWait(
  { workspaceId, provider, key, refresh }: { workspaceId: string; provider: string; key: string; refresh: boolean },
  { pollMs = 50 }: { pollMs?: number } = {},
): Promise<Flight> {
  const owner = randomUUID();
  const lease = env.singleFlightLeaseMs;
  for (;;) {
    const claimed = await run<{ owner: string }>(CLAIM, [workspaceId, provider, key, owner, lease, refresh]);
    if (claimed.length > 0) return { owner };
    // Someone holds it (or it is fresh): wait for an answer, a release, or a stale lease.
    for (;;) {
      const [row] = await run<{
        state: string;
        result: CachedAnswer | null;
        fetchedAt: Date | null;
        fresh: boolean | null;
        stale: boolean | null;
      }>(PEEK, [workspaceId, provider, key]);
      if (!row) break; // released: claim again
      // Ready: claims fail on a ready row only when it is fresh, or when it turned ready while
      // this caller waited, so its answer is as fresh as a call of our own would be.
      if (row.state === "ready") {
        if (row.result && row.fresh) return { hit: { answer: row.result, fetchedAt: row.fetchedAt as Date } };
        break;
      }
      if (row.stale) break; // its process died: take the claim over
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}

const STORE: Statement = {
  name: "glaze-cache-store",
  plan: "generic",
  text: `
    INSERT INTO provider_cache (workspace_id, provider, key, state, result, fetched_at, expires_at)
    VALUES ($1, $2, $3, 'ready', $4::jsonb, $6::timestamptz, $6::timestamptz + make_interval(secs => $5::float8 * 86400))
    ON CONFLICT (workspace_id, provider, key) DO UPDATE
       SET state = 'ready', owner = NULL, lease_until = NULL, result = EXCLUDED.result,
           fetched_at = EXCLUDED.fetched_at, expires_at = EXCLUDED.expires_at`,
};

/** Stores an answer fetched at `fetchedAt` (and ends the claim): waiters pick it up. */
export async function storeCached(
  { workspaceId, provider, key }: { workspaceId: string; provider: string; key: string },
  answer: CachedAnswer,
  ttlDays: number,
  fetchedAt: Date,
) {
  await run(STORE, [workspaceId, provider, key, JSON.stringify(answer), ttlDays, fetchedAt]);
}

const RELEASE: Statement = {
  name: "glaze-cache-release",
  plan: "generic",
  text: `
    WITH gone AS (
      DELETE FROM provider_cache
       WHERE workspace_id = $1 AND provider = $2 AND key = $3 AND owner = $4 AND result IS NULL
      RETURNING 1
    )
    UPDATE provider_cache SET state = 'ready', owner = NULL, lease_until = NULL
     WHERE workspace_id = $1 AND provider = $2 AND key = $3 AND owner = $4 AND result IS NOT NULL`,
};

/** Ends a claim without a cacheable answer: an earlier answer stays, a new key is forgotten. */
export async function releaseClaim(
  { workspaceId, provider, key }: { workspaceId: string; provider: string; key: string },
  owner: string,
) {
  await run(RELEASE, [workspaceId, provider, key, owner]);
}
