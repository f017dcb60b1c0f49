import "server-only";
import { type Recipe, readRecipe } from "../providers/recipe";
import { MAX_CELL_ATTEMPTS } from "./policy";
import { type CellOutcome, computeCell, currentOutcomes, type RunOptions, recordedOutcome } from "./run-cell";
import { type ClaimedTask, claimTasks, finishTasks, requeueTasks, type TaskResult } from "./store";
import { runWaterfallBatch } from "./waterfall/batch";

/**
 * Runs many cells with set-based SQL: one statement claims them all, the providers run
 * concurrently (cells with a recipe run their waterfalls batched per provider), one statement
 * records every final result. Returns one outcome per task id, in input order: `retry` marks a
 * transient failure that was not recorded as final, so the caller can retry just that cell
 * (on its own) without re-running its neighbours. Tasks that were already final come back with
 * `alreadyFinal: true` and are not touched.
 */
export async function runCellBatch(taskIds: string[], attempt = 1, options: RunOptions = {}): Promise<CellOutcome[]> {
  const maxAttempts = options.maxAttempts ?? MAX_CELL_ATTEMPTS;
  const unique = [...new Set(taskIds)];
  const claimed = await claimTasks(unique, {
    resume: options.resume ?? false,
    showRunning: options.showRunning ?? true,
  });

  const demo: ClaimedTask[] = [];
  const recipes: { task: ClaimedTask; recipe: Recipe }[] = [];
  for (const task of claimed) {
    const recipe = options.provider ? undefined : readRecipe(task.recipe);
    if (recipe) recipes.push({ task, recipe });
    else demo.push(task);
  }

  const outcomes = new Map<string, CellOutcome>();
  const finals: TaskResult[] = [];
  const permanent = new Set<string>();
  const [computed, waterfalls] = await Promise.all([
    Promise.all(
      demo.map(async (task) => ({ task, out: await computeCell(task, attempt, maxAttempts, options.provider) })),
    ),
    recipes.length > 0
      ? runWaterfallBatch(recipes, {
          lastAttempt: attempt >= maxAttempts,
          resume: options.resume ?? false,
          ...(options.horizonMs !== undefined ? { horizonMs: options.horizonMs } : {}),
        })
      : Promise.resolve({ finals: [], retry: [], handover: [] }),
  ]);
  for (const { task, out } of computed) {
    if ("retry" in out) {
      outcomes.set(task.taskId, { taskId: task.taskId, status: "retry", alreadyFinal: false, error: out.retry });
    } else {
      finals.push(out.result);
      if (out.permanent) permanent.add(task.taskId);
    }
  }
  for (const r of waterfalls.retry) {
    outcomes.set(r.taskId, { taskId: r.taskId, status: "retry", alreadyFinal: false, error: r.error });
  }
  for (const h of waterfalls.handover) {
    outcomes.set(h.taskId, { taskId: h.taskId, status: "handover", alreadyFinal: false, handover: h });
  }
  for (const result of waterfalls.finals) {
    finals.push(result);
    permanent.add(result.taskId);
  }

  const finished = new Map((await finishTasks(finals)).map((f) => [f.taskId, f]));
  for (const r of finals) {
    const f = finished.get(r.taskId);
    if (!f) continue; // finished concurrently by someone else: reported below as it stands
    outcomes.set(r.taskId, recordedOutcome(r, f, permanent.has(r.taskId)));
  }

  // Cells to be retried wait for their next attempt queued, not running (claim.ts, REQUEUE).
  const retrying = [...outcomes.values()].filter((o) => o.status === "retry" && !o.alreadyFinal);
  await requeueTasks(retrying.map((o) => ({ taskId: o.taskId, error: `Attempt ${attempt} failed: ${o.error}` })));

  const missing = unique.filter((id) => !outcomes.has(id));
  if (missing.length > 0) for (const [id, outcome] of await currentOutcomes(missing)) outcomes.set(id, outcome);
  return taskIds.flatMap((id) => {
    const outcome = outcomes.get(id);
    return outcome
      ? [outcome]
      : [{ taskId: id, status: "failed" as const, alreadyFinal: true, error: "task not found" }];
  });
}
