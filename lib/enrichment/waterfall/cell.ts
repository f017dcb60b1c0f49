import "server-only";
import { type Recipe, readRecipe } from "../../providers/recipe";
import { workspacesOfTables } from "../../providers/workspace";
import {
  type ClaimedTask,
  type FinishedTask,
  finishTasks,
  readTaskCalls,
  recordProviderCalls,
  type TaskResult,
} from "../store";
import { passedOver } from "./calls";
import { decideWaterfalls } from "./decide";
import { missingInput, planWaterfall, type WaterfallPlan } from "./plan";

// The start and the end of one cell's waterfall. Starting plans it (see plan.ts) and records
// the providers it passes over for missing inputs; a cell none of whose providers can run is
// a final result at once (skipped). Finishing reads every call of the task and records the
// winning value (decide.ts) or why there is none.

export type StartedWaterfall = { plan: WaterfallPlan } | { result: TaskResult };

export async function startWaterfalls(tasks: { task: ClaimedTask; recipe: Recipe }[]): Promise<StartedWaterfall[]> {
  const workspaces = await workspacesOfTables(tasks.map(({ task }) => task.tableId));
  const started = tasks.map(({ task, recipe }): StartedWaterfall => {
    const workspaceId = workspaces.get(task.tableId);
    // The table was deleted while the step ran (its tasks go with it): nothing to call for.
    if (!workspaceId) return { result: { taskId: task.taskId, status: "failed" as const, error: "table deleted" } };
    const outcome = planWaterfall({ task, recipe, workspaceId });
    if ("skipped" in outcome) {
      // Its providers and what each lacked, for the cell's history (no call is recorded).
      const details = {
        waterfall: Object.keys(outcome.passedOver),
        minConfidence: outcome.minConfidence,
        passedOver: outcome.passedOver,
      };
      return { result: { taskId: task.taskId, status: "skipped" as const, error: outcome.skipped, details } };
    }
    return { plan: outcome.plan };
  });
  const plans: WaterfallPlan[] = started.flatMap((s) => ("plan" in s ? [s.plan] : []));
  const gated = plans.filter((plan) => plan.providers.some((p) => p.missing));
  if (gated.length > 0) {
    // Recorded once per task: a re-run of the start (a retry, a re-drive) finds them.
    const known = new Set((await readTaskCalls(gated.map((p) => p.taskId))).map((c) => `${c.taskId}|${c.provider}`));
    await recordProviderCalls(
      gated.flatMap((plan) =>
        passedOverForMissing(plan).filter((call) => !known.has(`${plan.taskId}|${call.provider}`)),
      ),
    );
  }
  return started;
}

/**
 * The plans of tasks read without claiming them (peekRecipeTasks), recording nothing: tasks
 * that cannot run (their table gone, no recipe, no provider with its inputs) are left out.
 */
export async function planPeeked(tasks: ClaimedTask[]): Promise<WaterfallPlan[]> {
  const workspaces = await workspacesOfTables([...new Set(tasks.map((t) => t.tableId))]);
  return tasks.flatMap((task) => {
    const workspaceId = workspaces.get(task.tableId);
    const recipe = readRecipe(task.recipe);
    if (!workspaceId || !recipe) return [];
    const outcome = planWaterfall({ task, recipe, workspaceId });
    return "plan" in outcome ? [outcome.plan] : [];
  });
}

/** The calls a plan records for the providers it passes over for missing inputs. */
export const passedOverForMissing = (plan: WaterfallPlan) =>
  plan.providers.filter((p) => p.missing).map((p) => passedOver(plan, p.id, missingInput(p.missing)));

/** The providers of a plan that are called, in order. */
export const callableProviders = (plan: WaterfallPlan) => plan.providers.filter((p) => !p.missing).map((p) => p.id);

/** Records the result of one cell's waterfall; undefined when the task was already final. */
export async function finishWaterfall(plan: WaterfallPlan): Promise<{ result: TaskResult; finished?: FinishedTask }> {
  const [result] = await decideWaterfalls([plan]);
  if (!result) throw new Error(`no result for task ${plan.taskId}`);
  const [finished] = await finishTasks([result]);
  return { result, finished };
}
