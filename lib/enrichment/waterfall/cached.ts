import "server-only";
import { cacheKeyFor, lookupMany, readCostContext } from "../../costs/paid-call";
import { peekRecipeTasks, readJobBlocks } from "../store";
import { requestOf } from "./calls";
import { callableProviders, planPeeked } from "./cell";
import { meetsThreshold } from "./decide";
import type { WaterfallPlan } from "./plan";

// Which cells of a bulk job the provider cache answers outright: the first provider of the
// cell's waterfall has a fresh cached answer that meets the cell's threshold (and the job does
// not bypass the cache, nor has it stopped calling that provider). The orchestrator runs those
// cells in one big batch step instead of many small ones: a re-run of a column whose answers
// are cached costs no step per 25 cells. Nothing is claimed or written here; the batch that
// runs them goes through the whole engine (claim, cache, record, finish) as any other, so a
// cached answer that expired meanwhile is simply called upstream there.

/** The ids among `taskIds` of queued cells that the provider cache answers outright. */
export async function cachedTaskIds(taskIds: string[]): Promise<string[]> {
  const tasks = await peekRecipeTasks(taskIds);
  if (tasks.length === 0) return [];
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
  const answered: string[] = [];
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
      const answer = hits.get(key)?.answer;
      if (answer && meetsThreshold(answer, plan.minConfidence)) answered.push(plan.taskId);
    }
  }
  return answered;
}
