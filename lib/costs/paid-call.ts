import "server-only";
import { run, type Statement } from "../enrichment/store/run";
import { BUDGET_REACHED } from "../enrichment/waterfall/decide";
import { env } from "../env";
import type { AdapterRequest } from "../providers/adapter";
import {
  type CallResult,
  callProvider,
  type KeyCache,
  prepareKey,
  requestFingerprint,
} from "../providers/call-provider";
import { SendDeadlineMissed, withSendDeadline } from "../providers/send-deadline";
import { CACHEABLE_OUTCOMES, type CacheHit, claimOrWait, lookupCached, releaseClaim, storeCached } from "./cache";
import { cacheKeyOf } from "./cache-key";
import { budgetKeysFor, markBudgetReached, reserve } from "./ledger";
import { CACHEABLE, cacheTtlDaysOf, rateLimitOf } from "./limits";
import { chargeOf, priceOf, worstCase } from "./prices";
import { waitForSlot } from "./rate-limit";
import { type CostSettings, readCostSettings } from "./settings";

// The costs layer around callProvider(), in the order a paid call needs it: the cache (a hit
// costs nothing), single-flight (identical lookups in flight share one upstream call), the
// budget reservation (worst-case price; refused: "budget reached"), the rate-limit slot, the
// call itself. The caller records the call and settles its reservation in one transaction
// (lib/enrichment/waterfall/calls.ts → settle()), then puts the answer into the cache.

export { BUDGET_REACHED };

export type CostContext = {
  workspaceId: string;
  settings: CostSettings;
  jobs: Map<string, { refresh: boolean }>;
};

const JOBS: Statement = {
  name: "glaze-job-cost-flags",
  plan: "generic",
  text: `SELECT id::text AS id, refresh FROM enrichment_jobs WHERE id = ANY($1::uuid[])`,
};

/** What the calls of these jobs need to know about costs: one statement each. */
export async function readCostContext(workspaceId: string, jobIds: string[]): Promise<CostContext> {
  const [settings, jobs] = await Promise.all([
    readCostSettings(workspaceId),
    run<{ id: string; refresh: boolean }>(JOBS, [[...new Set(jobIds)]]),
  ]);
  return { workspaceId, settings, jobs: new Map(jobs.map((j) => [j.id, { refresh: j.refresh }])) };
}

/** A call as the waterfall records it, with what the costs layer adds. */
export type CostedCall = Omit<CallResult, "outcome"> & {
  /** A call's outcome, or skipped: a budget refused it. */
  outcome: CallResult["outcome"] | "skipped";
  /** Answered from the cache: when the answer was originally fetched. */
  cachedAt: Date | null;
  /** The attempt a reservation was made for, and the credits to settle it with. */
  charge: { attempt: number; credits: number } | null;
  /**
   * Puts the answer into the cache (or releases the single-flight claim); the caller runs it
   * once the call is recorded and settled. Stored earlier, a step that died before recording
   * would find its own answer in the cache on replay and never settle what the provider billed.
   */
  afterRecord: (() => Promise<void>) | null;
};

export type CostedTask = { taskId: string; jobId: string; tableId: string };

const cacheTtl = (ctx: CostContext, provider: string) =>
  CACHEABLE.has(provider) ? cacheTtlDaysOf(provider, ctx.settings.cacheTtlDays, env.cacheTtlDays) : 0;

/** The cache key of a request, if the provider's answers are cached in this workspace. */
export function cacheKeyFor(ctx: CostContext, provider: string, request: AdapterRequest): string | null {
  return cacheTtl(ctx, provider) > 0 ? cacheKeyOf(provider, request.field, request.inputs) : null;
}

/** Fresh cached answers for many requests of one provider, in one statement (refresh jobs skip it). */
export async function lookupMany(ctx: CostContext, provider: string, keys: (string | null)[]) {
  const wanted = keys.filter((k): k is string => k !== null);
  return lookupCached(ctx.workspaceId, provider, wanted);
}

function bare(provider: string, request: AdapterRequest): Omit<CostedCall, "outcome" | "error"> {
  return {
    provider,
    fingerprint: requestFingerprint(provider, request),
    value: null,
    confidence: null,
    rawConfidence: null,
    source: null,
    credits: 0,
    cost: 0,
    latencyMs: 0,
    httpStatus: null,
    retryAfterMs: null,
    evidence: null,
    payload: null,
    cachedAt: null,
    charge: null,
    afterRecord: null,
  };
}

/** A cached answer as a call: it costs nothing and says when it was fetched. */
export function fromCache(provider: string, request: AdapterRequest, hit: CacheHit): CostedCall {
  const a = hit.answer;
  return {
    ...bare(provider, request),
    outcome: a.outcome,
    value: (a.value ?? null) as CostedCall["value"],
    confidence: a.confidence,
    rawConfidence: a.rawConfidence,
    source: a.source,
    httpStatus: a.httpStatus,
    evidence: a.evidence,
    payload: a.payload,
    error: a.outcome === "not_found" ? "not found (cached)" : null,
    cachedAt: new Date(hit.fetchedAt),
  };
}

/** The error of a call not sent because its cell stopped wanting a value while it waited. */
export const NOT_WANTED = "not sent: the cell stopped while it waited for the rate limit";

/**
 * One provider call of one cell through the costs layer. Never throws for a provider's or a
 * budget's refusal: a refused budget is a `skipped` call with error "budget reached", a slot
 * too far away or a twin step holding the reservation is a retryable answer.
 */
export async function callWithCosts({
  ctx,
  task,
  provider,
  request,
  keys,
  stillWanted,
}: {
  ctx: CostContext;
  task: CostedTask;
  provider: string;
  request: AdapterRequest;
  keys: KeyCache;
  /**
   * Asked during a long wait for the rate limit, shortly before the slot (waitForSlot): false
   * when the cell no longer wants the answer (its job cancelled, the cell deleted or written by
   * hand meanwhile). The call is then not sent.
   */
  stillWanted?: () => Promise<boolean>;
}): Promise<CostedCall> {
  const refresh = ctx.jobs.get(task.jobId)?.refresh ?? false;
  const key = cacheKeyFor(ctx, provider, request);
  const where = key ? { workspaceId: ctx.workspaceId, provider, key } : null;
  let owner: string | null = null;
  if (where) {
    const flight = await claimOrWait({ ...where, refresh });
    if ("hit" in flight) return fromCache(provider, request, flight.hit);
    owner = flight.owner;
  }
  const release = async () => {
    if (where && owner) await releaseClaim(where, owner);
  };
  try {
    const price = priceOf(provider, ctx.settings.prices);
    const amount = worstCase(price);
    let attempt: number | null = null;
    if (amount > 0) {
      const budgetKeys = await budgetKeysFor({ workspaceId: ctx.workspaceId, jobId: task.jobId });
      const reservation = await reserve({ ...task, provider, amount, budgetKeys, workspaceId: ctx.workspaceId });
      if (!reservation.granted) {
        await release();
        if (reservation.reason === "budget reached") {
          await markBudgetReached(task.jobId);
          return { ...bare(provider, request), outcome: "skipped", error: BUDGET_REACHED };
        }
        return {
          ...bare(provider, request),
          outcome: "transient",
          error: "the same call is in flight in another step",
        };
      }
      attempt = reservation.attempt;
    }
    await prepareKey({ workspaceId: ctx.workspaceId, adapterId: provider, keys });
    const spec = rateLimitOf(provider, ctx.settings.rateLimits);
    let result: Awaited<ReturnType<typeof callProvider>> | undefined;
    // A request held back past its slot before it left is not sent: it takes another slot.
    for (let taken = 0; !result; taken++) {
      const slot = await waitForSlot(ctx.workspaceId, provider, spec, taken, stillWanted);
      if (!slot.ok && "stopped" in slot) {
        await release();
        return {
          ...bare(provider, request),
          outcome: "skipped",
          error: NOT_WANTED,
          charge: attempt === null ? null : { attempt, credits: 0 },
        };
      }
      if (!slot.ok) {
        await release();
        return {
          ...bare(provider, request),
          outcome: "rate_limited",
          error: `Glaze's rate limit for ${provider} is busy: next slot in ${Math.round(slot.retryAfterMs / 1000)} s`,
          retryAfterMs: slot.retryAfterMs,
          charge: attempt === null ? null : { attempt, credits: 0 },
        };
      }
      try {
        result = await withSendDeadline(slot.sendBy, () =>
          callProvider({ workspaceId: ctx.workspaceId, adapterId: provider, request, keys }),
        );
      } catch (error) {
        if (!(error instanceof SendDeadlineMissed)) throw error;
      }
    }
    const fetchedAt = new Date();
    const claim = where && owner ? { where, owner } : null;
    owner = null; // from here the claim is ended by afterRecord
    const afterRecord = !claim
      ? null
      : CACHEABLE_OUTCOMES.has(result.outcome)
        ? () =>
            storeCached(
              claim.where,
              {
                outcome: result.outcome as "found" | "not_found",
                value: result.value,
                confidence: result.confidence,
                rawConfidence: result.rawConfidence,
                source: result.source,
                httpStatus: result.httpStatus,
                evidence: result.evidence,
                payload: result.payload,
              },
              cacheTtl(ctx, provider),
              fetchedAt,
            )
        : () => releaseClaim(claim.where, claim.owner);
    const credits = chargeOf(price, { outcome: result.outcome, billedUnits: result.credits });
    return { ...result, cachedAt: null, charge: attempt === null ? null : { attempt, credits }, afterRecord };
  } catch (error) {
    await release().catch(() => undefined);
    throw error;
  }
}
