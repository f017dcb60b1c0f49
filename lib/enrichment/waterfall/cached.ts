import "server-only";
import type { CacheHit } from "../../costs/cache";
import { cacheKeyFor, fromCache, lookupMany, readCostContext } from "../../costs/paid-call";
import {
  type CallRow,
  finishTasks,
  type NewCall,
  peekRecipeTasks,
  readJobBlocks,
  readTaskCalls,
  recordProviderCalls,
} from "../store";
import { asNewCall } from "./calls";
import { callableProviders, passedOverForMissing, planPeeked } from "./cell";
import { decide, meetsThreshold } from "./decide";
import { requestOf, type WaterfallPlan } from "./plan";

// The cells of a bulk job the provider cache answers outright: the first provider of the
// cell's waterfall has a fresh cached answer that meets the cell's threshold (and the job does
// not bypass the cache, nor has it stopped calling that provider). Such a cell has nothing to
// wait for, so the orchestrator finishes all of a chunk's at once, in one step, and without
// the claim a running cell needs: their calls are recorded (the cached answer, and the
// providers passed over for missing inputs) under the attempt the finish then counts, the
// result is decided from those calls in memory, and one statement moves them from queued to
// final (not if their job was cancelled meanwhile). Replaying it changes nothing: a recorded
// attempt is not recorded again (the replay decides from the calls it finds), and a cell that
// is no longer queued is left to the batches, which reuse the calls they find.

type Answered = { plan: WaterfallPlan; provider: string; hit: CacheHit; attempts: number };

/** The queued cells among `taskIds` that the provider cache answers outright, with their answers. */
async function answeredFromCache(taskIds: string[]): Promise<Answered[]> {
  const tasks = await peekRecipeTasks(taskIds);
  if (tasks.length === 0) return [];
  const attempts = new Map(tasks.map((t) => [t.taskId, t.attempts]));
  const [plans, blocks] = await Promise.all([
    planPeeked(tasks),
    readJobBlocks([...new Set(tasks.map((t) => t.jobId))]),
  ]);
  // Each cell's plan by workspace and its first provider.
  const groups = new Map<string, { workspaceId: string; provider: string; plans: WaterfallPlan[] }>();
  for (const plan of plans) {
    const provider = callableProviders(plan)[0];
    if (!provider || blocks.get(plan.jobId)?.has(provider)) continue;
    const key = `${plan.workspaceId}|${provider}`;
    const group = groups.get(key) ?? { workspaceId: plan.workspaceId, provider, plans: [] };
    groups.set(key, group);
    group.plans.push(plan);
  }
  const answered: Answered[] = [];
  for (const { workspaceId, provider, plans } of groups.values()) {
    const ctx = await readCostContext(workspaceId, [...new Set(plans.map((p) => p.jobId))]);
    const keyed = plans.flatMap((plan) => {
      const key = ctx.jobs.get(plan.jobId)?.refresh ? null : cacheKeyFor(ctx, provider, requestOf(plan));
      return key ? [{ plan, key }] : [];
    });
    const hits = await lookupMany(
      ctx,
      provider,
      keyed.map((k) => k.key),
    );
    for (const { plan, key } of keyed) {
      const hit = hits.get(key);
      if (hit && meetsThreshold(hit.answer, plan.minConfidence)) {
        answered.push({ plan, provider, hit, attempts: attempts.get(plan.taskId) ?? 0 });
      }
    }
  }
  return answered;
}

/** The ids among `taskIds` of queued cells that the provider cache answers outright (nothing is written). */
export async function cachedTaskIds(taskIds: string[]): Promise<string[]> {
  return (await answeredFromCache(taskIds)).map((a) => a.plan.taskId);
}

/**
 * Finishes the queued cells among `taskIds` that the provider cache answers outright (see
 * above) and returns their ids; every other cell is left as it was, for the batches. Only
 * cells never claimed before (attempts 0) are finished here: their calls are attempt 1.
 */
export async function finishCachedCells(taskIds: string[]): Promise<string[]> {
  const answered = (await answeredFromCache(taskIds)).filter((a) => a.attempts === 0);
  if (answered.length === 0) return [];
  const calls: NewCall[] = answered.flatMap(({ plan, provider, hit }) => [
    ...passedOverForMissing(plan).map((call) => ({ ...call, attempt: 1 })),
    { ...asNewCall(plan, provider, fromCache(provider, requestOf(plan), hit)), attempt: 1 },
  ]);
  const now = new Date();
  const byTask = new Map<string, CallRow[]>();
  const add = (call: CallRow) => byTask.set(call.taskId, [...(byTask.get(call.taskId) ?? []), call]);
  for (const call of await recordProviderCalls(calls))
    add({ ...call, cachedAt: call.cachedAt ?? null, createdAt: now });
  // A replay finds its calls recorded already (attempt 1 is taken): it decides from those.
  const hasCall = (a: Answered) => byTask.get(a.plan.taskId)?.some((c) => c.provider === a.provider) ?? false;
  const replayed = answered.filter((a) => !hasCall(a)).map((a) => a.plan.taskId);
  if (replayed.length > 0) {
    for (const taskId of replayed) byTask.delete(taskId);
    for (const call of await readTaskCalls(replayed)) add(call);
  }
  const results = answered.filter(hasCall).map(({ plan }) => decide(plan, byTask.get(plan.taskId) ?? []));
  const finished = await finishTasks(results, undefined, { fromQueued: true });
  return finished.map((f) => f.taskId);
}
