import "server-only";
import { cacheKeyFor, lookupMany, readCostContext } from "../../costs/paid-call";
import { readRecipe } from "../../providers/recipe";
import { workspacesOfTables } from "../../providers/workspace";
import { peekRecipeTasks, readJobBlocks } from "../store";
import { requestOf } from "./calls";
import { callableProviders } from "./cell";
import { meetsThreshold } from "./decide";
import { planWaterfall, type WaterfallPlan } from "./plan";

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
  const [workspaces, blocks] = await Promise.all([
    workspacesOfTables(tasks.map((t) => t.tableId)),
    readJobBlocks([...new Set(tasks.map((t) => t.jobId))]),
  ]);
  // Each cell's plan and first provider, grouped by workspace and provider.
  const groups = new Map<string, { workspaceId: string; provider: string; plans: WaterfallPlan[] }>();
  for (const task of tasks) {
    const workspaceId = workspaces.get(task.tableId);
    const recipe = readRecipe(task.recipe);
    if (!workspaceId || !recipe) continue;
    const outcome = planWaterfall({ task, recipe, workspaceId });
    if (!("plan" in outcome)) continue;
    const provider = callableProviders(outcome.plan)[0];
    if (!provider || blocks.get(task.jobId)?.has(provider)) continue;
    const group = groups.get(`${workspaceId}|${provider}`) ?? { workspaceId, provider, plans: [] };
    groups.set(`${workspaceId}|${provider}`, group);
    group.plans.push(outcome.plan);
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
