import "server-only";
import { run, type Statement } from "../enrichment/store/run";
import { env } from "../env";
import { type RateLimitSpec, spacingMs } from "./limits";

// Provider rate limits shared by every worker and app instance: one row per workspace and
// provider holds the next free slot (GCRA: a token bucket of depth 1). Taking a slot is one
// statement that moves the row forward by the provider's spacing and answers how long to wait
// for it, so concurrent callers in any process are queued in Postgres, never bunched. A slot
// further away than GLAZE_RATE_LIMIT_MAX_WAIT_MS is not taken: the call answers "rate limited"
// with that wait as its Retry-After, and the step is retried later instead of sleeping.

const TAKE: Statement = {
  name: "glaze-rate-take",
  plan: "generic",
  text: `
    INSERT INTO rate_buckets (workspace_id, provider, tat)
    VALUES ($1, $2, clock_timestamp() + make_interval(secs => $3::float8 / 1000))
    ON CONFLICT (workspace_id, provider) DO UPDATE
       SET tat = greatest(rate_buckets.tat, clock_timestamp()) + make_interval(secs => $3::float8 / 1000)
     WHERE greatest(rate_buckets.tat, clock_timestamp()) <= clock_timestamp() + make_interval(secs => $4::float8 / 1000)
    RETURNING greatest(0, extract(epoch FROM (tat - clock_timestamp())) * 1000 - $3::float8)::float8 AS "waitMs"`,
};

const NEXT: Statement = {
  name: "glaze-rate-next",
  plan: "generic",
  text: `SELECT greatest(0, extract(epoch FROM (tat - clock_timestamp())) * 1000)::float8 AS "waitMs"
           FROM rate_buckets WHERE workspace_id = $1 AND provider = $2`,
};

export type Slot = { granted: true; waitMs: number } | { granted: false; retryAfterMs: number };

/** Takes the next call slot of `provider` in the workspace (no limit: granted at once). */
export async function takeSlot(workspaceId: string, provider: string, spec: RateLimitSpec | null): Promise<Slot> {
  if (!spec) return { granted: true, waitMs: 0 };
  const maxWait = env.rateLimitMaxWaitMs;
  const [row] = await run<{ waitMs: number }>(TAKE, [workspaceId, provider, spacingMs(spec), maxWait]);
  if (row) return { granted: true, waitMs: row.waitMs };
  const [next] = await run<{ waitMs: number }>(NEXT, [workspaceId, provider]);
  return { granted: false, retryAfterMs: Math.max(1000, Math.ceil(next?.waitMs ?? maxWait) - maxWait) };
}

/**
 * How many calls of `provider` in the workspace could start within `horizonMs` from now,
 * judging by its bucket (no limit: all of them). A read that takes nothing: callers that ask
 * at the same time get the same answer, so it bounds waits loosely, not exactly.
 */
export async function slotsWithin(
  workspaceId: string,
  provider: string,
  spec: RateLimitSpec | null,
  horizonMs: number,
): Promise<number> {
  if (!spec) return Number.POSITIVE_INFINITY;
  const [next] = await run<{ waitMs: number }>(NEXT, [workspaceId, provider]);
  const waitMs = next?.waitMs ?? 0;
  return waitMs > horizonMs ? 0 : Math.floor((horizonMs - waitMs) / spacingMs(spec)) + 1;
}

/**
 * How late a woken caller may be before its slot counts as missed (event-loop lag): a small
 * part of the jitter the spacing absorbs (PACING_JITTER_MS), the rest is left to what happens
 * after the check (the request leaving, the network, the provider's count).
 */
const LATE_MS = 15;

/** Slots a caller takes for one call before it calls however late it is. */
export const SLOT_TRIES = 4;

/** A wait for a slot at least this long asks `stillWanted` before the slot comes. */
export const WANTED_CHECK_MS = 200;
/** How long before its slot a waiting caller asks `stillWanted`, so the answer never makes it late. */
const WANTED_LEAD_MS = 60;
/**
 * A long wait asks `stillWanted` this often too: a cancelled job's cells waiting minutes for
 * their slots end within about a second, not when each slot comes.
 */
export const WANTED_POLL_MS = 1_000;

const sleepUntil = async (at: number) => {
  if (at - Date.now() > 0) await new Promise((resolve) => setTimeout(resolve, at - Date.now()));
};

/**
 * Waits for a slot (see takeSlot); false when it is too far away. A caller that wakes up
 * late (a busy event loop) has missed its slot: calling now would land next to the following
 * slot's call and could put limit + 1 calls in one of the provider's windows, so it takes
 * another slot instead. `sendBy` is the latest the request may leave (withSendDeadline);
 * none once the caller has taken SLOT_TRIES slots (`taken`: slots this call took before).
 * With `stillWanted`, a wait of WANTED_CHECK_MS or more asks it every WANTED_POLL_MS and shortly
 * before the slot; false ends the wait (`stopped`): the call is no longer wanted, and its slot
 * goes unused.
 */
export async function waitForSlot(
  workspaceId: string,
  provider: string,
  spec: RateLimitSpec | null,
  taken = 0,
  stillWanted?: () => Promise<boolean>,
): Promise<{ ok: true; sendBy?: number } | { ok: false; retryAfterMs: number } | { ok: false; stopped: true }> {
  if (!spec) return { ok: true };
  for (let tries = taken; ; tries++) {
    const slot = await takeSlot(workspaceId, provider, spec);
    if (!slot.granted) return { ok: false, retryAfterMs: slot.retryAfterMs };
    // Counted from the answer: the slot is `waitMs` after the statement ran, and it ran no
    // later than now, so this is never early. (Counted from before the statement, a statement
    // that queued for a pool connection made the call early by that queueing, next to the
    // previous slot's call.)
    const due = Date.now() + slot.waitMs;
    if (stillWanted && slot.waitMs >= WANTED_CHECK_MS) {
      for (let at = Date.now() + WANTED_POLL_MS; at < due - WANTED_LEAD_MS; at += WANTED_POLL_MS) {
        await sleepUntil(at);
        if (!(await stillWanted())) return { ok: false, stopped: true };
      }
      await sleepUntil(due - WANTED_LEAD_MS);
      if (!(await stillWanted())) return { ok: false, stopped: true };
    }
    await sleepUntil(due);
    if (tries + 1 >= SLOT_TRIES) return { ok: true };
    if (Date.now() - due <= LATE_MS) return { ok: true, sendBy: due + LATE_MS };
  }
}
