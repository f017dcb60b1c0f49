import "server-only";
import type { CachedAnswer, CacheHit } from "../../costs/cache";
import { jobsOverBudget, markBudgetReached, settle } from "../../costs/ledger";
import { rateLimitOf } from "../../costs/limits";
import {
  type CostContext,
  type CostedCall,
  cacheKeyFor,
  callWithCosts,
  fromCache,
  lookupMany,
  readCostContext,
} from "../../costs/paid-call";
import { priceOf, worstCase } from "../../costs/prices";
import { slotsWithin } from "../../costs/rate-limit";
import { getDb } from "../../db";
import { errorChainText } from "../../errors";
import { raiseAlert } from "../../providers/alerts";
import { type KeyCache, requestFingerprint } from "../../providers/call-provider";
import { adapterInfo } from "../../providers/catalog";
import { TransientProviderError } from "../providers";
import {
  blockJobProvider,
  type CallRow,
  type NewCall,
  readJobBlocks,
  readRowContext,
  readTaskCalls,
  recordProviderCalls,
  recordProviderCallsOf,
  withDbRetry,
} from "../store";
import { BUDGET_REACHED, callsForPlan, FINAL_OUTCOMES, latestByProvider, meetsThreshold } from "./decide";
import { missingInput, requestOf, type WaterfallPlan } from "./plan";
import { stoppedCells } from "./stopped-cells";

// Calling one provider for one or many cells and recording every call. A provider the job has
// stopped calling (out of credits, or its key refused) is passed over and recorded as such; an
// out-of-credits or refused-key answer stops it for the rest of the job and tells the
// workspace. Rate-limited and transient answers are recorded, then retried by the caller.

/** Calls of one provider running at once within one batch. */
export const CALLS_IN_FLIGHT = 16;

/** A call to be made again: after retryAfterMs when the provider said so (rate limited). */
export class CallRetry extends TransientProviderError {
  readonly retryAfterMs?: number;
  constructor(message: string, retryAfterMs?: number) {
    super(message);
    this.name = "CallRetry";
    this.retryAfterMs = retryAfterMs ?? undefined;
  }
}

export const isRetryable = (outcome: string) => outcome === "rate_limited" || outcome === "transient";

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** A call that was not made: the provider was passed over. */
export function passedOver(plan: WaterfallPlan, providerId: string, reason: string): NewCall {
  return {
    taskId: plan.taskId,
    provider: providerId,
    fingerprint: requestFingerprint(providerId, requestOf(plan)),
    outcome: "skipped",
    value: null,
    confidence: null,
    rawConfidence: null,
    cost: 0,
    credits: 0,
    latencyMs: 0,
    httpStatus: null,
    error: reason,
    source: null,
    evidence: null,
    payload: null,
  };
}

export function asNewCall(plan: WaterfallPlan, providerId: string, result: CostedCall): NewCall {
  return {
    taskId: plan.taskId,
    provider: providerId,
    fingerprint: result.fingerprint,
    outcome: result.outcome,
    value: result.value,
    confidence: result.confidence,
    rawConfidence: result.rawConfidence,
    cost: result.cost,
    credits: result.credits,
    latencyMs: result.latencyMs,
    httpStatus: result.httpStatus,
    error: result.error,
    source: result.source,
    evidence: result.evidence,
    payload: result.payload,
    cachedAt: result.cachedAt,
    ...(result.charge ? { attempt: result.charge.attempt } : {}),
  };
}

type Made = {
  call: NewCall;
  retryAfterMs: number | null;
  charge: CostedCall["charge"];
  afterRecord?: CostedCall["afterRecord"];
};

async function callOne(plan: WaterfallPlan, providerId: string, keys: KeyCache, ctx: CostContext): Promise<Made> {
  const request = requestOf(plan);
  if (providerId === "llm") {
    request.context = (await readRowContext(plan.rowId)).filter((c) => c.provider !== "llm");
  }
  const result = await callWithCosts({
    ctx,
    task: plan,
    provider: providerId,
    request,
    keys,
    stillWanted: async () => (await stoppedCells([plan])).size === 0,
  });
  return {
    call: asNewCall(plan, providerId, result),
    retryAfterMs: result.retryAfterMs,
    charge: result.charge,
    afterRecord: result.afterRecord,
  };
}

/** How long an answered call may wait for others to be recorded with it. */
const RECORD_WINDOW_MS = 20;

/**
 * Records calls as they are handed in, those handed in within RECORD_WINDOW_MS of each other
 * (or CALLS_IN_FLIGHT of them) together, and at once when `nothingElseComing` (the last answer
 * of the group: a single interactive call waits for nobody); what was recorded is added to
 * `into`. Each hand-in resolves once its call is recorded (or rejects with the recording's error).
 */
function recordSoon<R>(recordAll: (batch: Made[]) => Promise<R[]>, into: R[], nothingElseComing: () => boolean) {
  let pending: { made: Made; done: (error?: unknown) => void }[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    recordAll(batch.map((p) => p.made)).then(
      (rows) => {
        into.push(...rows);
        for (const p of batch) p.done();
      },
      (error: unknown) => {
        for (const p of batch) p.done(error ?? new Error("recording the calls failed"));
      },
    );
  };
  return (made: Made) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ made, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (pending.length >= CALLS_IN_FLIGHT || nothingElseComing()) flush();
      else timer ??= setTimeout(flush, RECORD_WINDOW_MS);
    });
}

/**
 * Records the calls; those that reserved credits are settled in the same transaction, so a
 * call is charged exactly when it is recorded, once. A call of a cell deleted while it was
 * made (its row, column or table) is not recorded but still settled: the provider billed it.
 */
async function recordAndSettle(made: Made[]) {
  const calls = made.map((m) => m.call);
  if (!made.some((m) => m.charge)) return withForeignKeyRetry(() => recordProviderCalls(calls));
  const charges = new Map(made.flatMap((m) => (m.charge ? [[`${m.call.taskId}|${m.call.provider}`, m] as const] : [])));
  return withForeignKeyRetry(() =>
    withDbRetry(() =>
      getDb().$transaction(async (tx) => {
        const { recorded, gone } = await recordProviderCallsOf(calls, tx);
        const due = [
          ...recorded,
          ...gone.map((g) => ({ ...g, attempt: charges.get(`${g.taskId}|${g.provider}`)?.charge?.attempt })),
        ];
        await settle(
          due.flatMap((r) => {
            const m = charges.get(`${r.taskId}|${r.provider}`);
            return m?.charge && m.charge.attempt === r.attempt
              ? [
                  {
                    taskId: r.taskId,
                    provider: r.provider,
                    attempt: m.charge.attempt,
                    credits: m.charge.credits,
                    outcome: r.outcome,
                  },
                ]
              : [];
          }),
          tx,
        );
        return recorded;
      }),
    ),
  );
}

/**
 * A cell deleted between the statement's check and its insert fails the insert's foreign key;
 * the next try finds it gone and leaves it out, so the batch is not failed (and called again).
 */
async function withForeignKeyRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= 3 || !/23503|violates foreign key constraint/.test(errorChainText(error))) throw error;
    }
  }
}

export type CallDone = CallRow & { retryAfterMs: number | null };

/** A call's answer as the cache keeps it, if it is one the cache keeps (found, not found). */
function answerOf(call: NewCall | undefined): CachedAnswer | undefined {
  if (!call || (call.outcome !== "found" && call.outcome !== "not_found")) return undefined;
  return {
    outcome: call.outcome,
    value: call.value,
    confidence: call.confidence,
    rawConfidence: call.rawConfidence,
    source: call.source,
    httpStatus: call.httpStatus,
    evidence: call.evidence,
    payload: call.payload,
  };
}

/**
 * Calls `providerId` for each cell (at most CALLS_IN_FLIGHT at once) and records every call in
 * one statement. `blocked` is the job's reason to pass the provider over, if any. Cached
 * answers are looked up for the whole group in one statement first. With `horizonMs`, cells
 * that would wait longer than that for the provider's rate limit are not called: they come
 * back `deferred`, for the caller to hand over to a step that may wait (a batch step holds its
 * table's step slot while it waits, so it must not wait long).
 */
export async function callForCells(
  plans: WaterfallPlan[],
  providerId: string,
  {
    keys,
    blocked,
    horizonMs,
  }: { keys: KeyCache; blocked: (plan: WaterfallPlan) => string | undefined; horizonMs?: number },
): Promise<{ calls: CallDone[]; deferred: WaterfallPlan[] }> {
  const contexts = new Map<string, Promise<CostContext>>();
  const contextOf = (workspaceId: string) => {
    let ctx = contexts.get(workspaceId);
    if (!ctx) {
      const jobIds = plans.filter((p) => p.workspaceId === workspaceId).map((p) => p.jobId);
      ctx = readCostContext(workspaceId, jobIds);
      contexts.set(workspaceId, ctx);
    }
    return ctx;
  };
  // Per workspace: the cached answers of its cells in one statement, then, with a horizon,
  // which of the cells that must call upstream fit in it.
  const hitOf = new Map<string, CacheHit>();
  const later = new Set<string>();
  const overBudget = new Set<string>();
  // Cells of this group asking the same question (the same person on several rows): one
  // calls, the others take its answer as a cached one (not charged). Each waiting on the
  // other's in-flight claim would wait until the claim expired, since answers are cached only
  // once the whole group is recorded, and then call and be charged once per row.
  const leaderOf = new Map<string, string>();
  for (const workspaceId of new Set(plans.map((p) => p.workspaceId))) {
    const ctx = await contextOf(workspaceId);
    const open = plans.filter((p) => p.workspaceId === workspaceId && !blocked(p));
    // Each cell's question; a refresh job's cells do not read the cache, but still share a call.
    const keyed = open.map((plan) => ({
      plan,
      key: cacheKeyFor(ctx, providerId, requestOf(plan)),
      refresh: ctx.jobs.get(plan.jobId)?.refresh ?? false,
    }));
    const hits = await lookupMany(
      ctx,
      providerId,
      keyed.map((k) => (k.refresh ? null : k.key)),
    );
    for (const { plan, key, refresh } of keyed) {
      const hit = key && !refresh ? hits.get(key) : undefined;
      if (hit) hitOf.set(plan.taskId, hit);
    }
    const firstOf = new Map<string, string>();
    for (const { plan, key } of keyed) {
      if (hitOf.has(plan.taskId) || !key) continue;
      const first = firstOf.get(key);
      if (first) leaderOf.set(plan.taskId, first);
      else firstOf.set(key, plan.taskId);
    }
    // Cells whose job cannot pay for the call now are skipped ("budget reached") at once, as
    // reserve() would refuse them, without first waiting for a rate-limit slot: after a budget
    // ran out, a job's remaining cells were handed over to wait for the limit one group at a
    // time (a 10,000-cell job went on for minutes, skipping ~45 cells a second).
    const paying = open.filter((p) => !hitOf.has(p.taskId) && !leaderOf.has(p.taskId));
    const price = worstCase(priceOf(providerId, ctx.settings.prices));
    const over = await jobsOverBudget(workspaceId, [...new Set(paying.map((p) => p.jobId))], price);
    for (const jobId of over) await markBudgetReached(jobId);
    for (const plan of paying) if (over.has(plan.jobId)) overBudget.add(plan.taskId);
    if (horizonMs === undefined) continue;
    const upstream = paying.filter((p) => !overBudget.has(p.taskId));
    if (upstream.length === 0) continue;
    const spec = rateLimitOf(providerId, ctx.settings.rateLimits);
    const room = await slotsWithin(workspaceId, providerId, spec, horizonMs);
    for (const plan of upstream.slice(room)) later.add(plan.taskId);
  }
  for (const [follower, leader] of leaderOf) if (later.has(leader)) later.add(follower);
  const now = plans.filter((p) => !later.has(p.taskId));
  const followers = now.filter((p) => leaderOf.has(p.taskId) && !blocked(p));
  const following = new Set(followers.map((p) => p.taskId));
  // Calls that went upstream are recorded (and settled) as their answers come, a few at a time
  // (those answered within RECORD_WINDOW_MS of each other in one transaction): a process killed
  // while the rest of the group is still being asked loses none of them but those last few
  // milliseconds', and a replay reuses them instead of asking (and being billed by) the
  // provider again.
  const early: Awaited<ReturnType<typeof recordAndSettle>> = [];
  let asking = 0;
  const record = recordSoon(
    (batch) => recordAndSettle(batch),
    early,
    () => asking === 0,
  );
  const leaders = await mapLimit(
    now.filter((p) => !following.has(p.taskId)),
    CALLS_IN_FLIGHT,
    async (plan): Promise<Made & { recorded?: true }> => {
      const reason = blocked(plan) ?? (overBudget.has(plan.taskId) ? BUDGET_REACHED : undefined);
      if (reason) return { call: passedOver(plan, providerId, reason), retryAfterMs: null, charge: null };
      const hit = hitOf.get(plan.taskId);
      if (hit)
        return {
          call: asNewCall(plan, providerId, fromCache(providerId, requestOf(plan), hit)),
          retryAfterMs: null,
          charge: null,
        };
      asking++;
      let made: Made;
      try {
        made = await callOne(plan, providerId, keys, await contextOf(plan.workspaceId));
      } finally {
        asking--;
      }
      await record(made);
      await made.afterRecord?.().catch(() => undefined);
      return { ...made, recorded: true };
    },
  );
  // A follower whose leader got no answer to share (a budget reached, an error, a limit) ends
  // its call the same way, without calling or being charged: skipped, or retried later.
  const byTask = new Map(leaders.map((m) => [m.call.taskId, m]));
  const fetchedAt = new Date();
  const made = [
    ...leaders,
    ...followers.flatMap((plan): Made[] => {
      const leader = byTask.get(leaderOf.get(plan.taskId) as string);
      if (!leader) return [];
      const answer = answerOf(leader.call);
      if (answer) {
        const shared = fromCache(providerId, requestOf(plan), { answer, fetchedAt });
        return [{ call: asNewCall(plan, providerId, shared), retryAfterMs: null, charge: null }];
      }
      const { outcome, error } = leader.call;
      // The same error, so that a budget reached reads as one ("budget reached") for every row.
      const call = { ...passedOver(plan, providerId, error ?? outcome), outcome };
      return [{ call, retryAfterMs: leader.retryAfterMs, charge: null }];
    }),
  ];
  const deferred = plans.filter((p) => later.has(p.taskId));
  if (made.length === 0) return { calls: [], deferred };
  // The rest (cached answers, shared answers, providers passed over) in one statement.
  const rest = made.filter((m) => !("recorded" in m));
  const recorded = [...early, ...(rest.length > 0 ? await recordAndSettle(rest) : [])];
  // Answers into the cache only once recorded and settled. If recording fails, or the process
  // dies before, the claims expire and a replay calls again, charged once (its reservation).
  await Promise.all(rest.map((m) => m.afterRecord?.().catch(() => undefined)));
  const retryAfter = new Map(made.map((m) => [m.call.taskId, m.retryAfterMs]));
  await stopProviderWhereNeeded(now, recorded);
  const calls = recorded.map((r) => ({
    ...r,
    cachedAt: r.cachedAt ?? null,
    createdAt: new Date(),
    retryAfterMs: retryAfter.get(r.taskId) ?? null,
  }));
  return { calls, deferred };
}

/**
 * Out of credits or a refused key: the job stops calling the provider and the workspace is told.
 * Not for the HTTP provider: each of its columns calls an API of its own with secrets of its
 * own, so one column's refusal (or missing secret) says nothing of the others'; its cells fail
 * with the reason.
 */
async function stopProviderWhereNeeded(plans: WaterfallPlan[], calls: (NewCall & { id: string })[]) {
  const seen = new Set<string>();
  const info = adapterInfo(calls[0]?.provider ?? "");
  for (const call of calls) {
    if (call.outcome !== "out_of_credits" && call.outcome !== "unauthorized") continue;
    if (call.provider === "http") continue;
    const plan = plans.find((p) => p.taskId === call.taskId);
    if (!plan || seen.has(plan.jobId)) continue;
    seen.add(plan.jobId);
    const reason =
      call.outcome === "out_of_credits"
        ? "out of credits earlier in this job"
        : "its key was refused earlier in this job";
    await blockJobProvider({ jobId: plan.jobId, provider: call.provider, reason });
    if (info) {
      await raiseAlert({
        workspaceId: plan.workspaceId,
        vendor: info.vendor,
        kind: call.outcome,
        message: call.error ?? reason,
        jobId: plan.jobId,
      });
    }
  }
}

export type CallSummary = {
  provider: string;
  outcome: string;
  confidence: number | null;
  stop: boolean;
  reused: boolean;
};

const summaryOf = (plan: WaterfallPlan, call: CallRow, reused: boolean): CallSummary => ({
  provider: call.provider,
  outcome: call.outcome,
  confidence: call.confidence,
  stop: meetsThreshold(call, plan.minConfidence),
  reused,
});

/**
 * One provider of one cell (an interactive job's durable step). A provider that already has a
 * final outcome for the task is not called again (a retried or replayed step reuses it). A
 * rate-limited or transient answer throws CallRetry unless this is the last attempt. A cell
 * that no longer wants a value (deleted, ended meanwhile, or of a cancelled job: see
 * stopped-cells.ts) is not called: the outcome is "stopped", and the waterfall stops.
 */
export async function runWaterfallCall(
  plan: WaterfallPlan,
  providerId: string,
  { lastAttempt, keys = new Map() }: { lastAttempt: boolean; keys?: KeyCache },
): Promise<CallSummary> {
  const existing = latestByProvider(callsForPlan(plan, await readTaskCalls([plan.taskId]))).get(providerId);
  if (existing && FINAL_OUTCOMES.has(existing.outcome)) return summaryOf(plan, existing, true);
  if ((await stoppedCells([plan])).size > 0) {
    return { provider: providerId, outcome: "stopped", confidence: null, stop: true, reused: false };
  }
  const planned = plan.providers.find((p) => p.id === providerId);
  const blocks = (await readJobBlocks([plan.jobId])).get(plan.jobId);
  const reason = planned?.missing ? missingInput(planned.missing) : blocks?.get(providerId);
  const {
    calls: [call],
  } = await callForCells([plan], providerId, { keys, blocked: () => reason });
  if (!call) throw new CallRetry(`${providerId}: the call could not be recorded`);
  if (isRetryable(call.outcome) && !lastAttempt) {
    throw new CallRetry(`${providerId}: ${call.error ?? call.outcome}`, call.retryAfterMs ?? undefined);
  }
  return summaryOf(plan, call, false);
}
