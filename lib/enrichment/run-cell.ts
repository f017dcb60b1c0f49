import "server-only";
import { readRecipe } from "../providers/recipe";
import { MAX_CELL_ATTEMPTS } from "./policy";
import {
  PermanentProviderError,
  type Provider,
  type ProviderResult,
  providerFor,
  TransientProviderError,
} from "./providers";
import { settleUnclaimed } from "./settle-unclaimed";
import {
  type ClaimedTask,
  claimTasks,
  type FinishedTask,
  finishTasks,
  noteAttemptError,
  readTaskStates,
  requeueTasks,
  type TaskResult,
} from "./store";
import type { Handover } from "./waterfall/batch";
import { CallRetry, runWaterfallCall } from "./waterfall/calls";
import { callableProviders, finishWaterfall, startWaterfalls } from "./waterfall/cell";
import type { WaterfallPlan } from "./waterfall/plan";

export type CellOutcome = {
  taskId: string;
  /**
   * done/failed/skipped: final. retry: a transient error; run the cell again (on its own).
   * handover: still running, waiting for `handover.provider`'s rate limit (runCellBatch with
   * `horizonMs`); call that provider for it, then run the batch again with `resume`.
   */
  status: "done" | "failed" | "skipped" | "retry" | "handover";
  /** True when the task was already final, so this call changed nothing. */
  alreadyFinal: boolean;
  /** The failure was permanent (retrying cannot help). */
  permanent?: boolean;
  value?: unknown;
  confidence?: number;
  error?: string;
  jobStatus?: string;
  handover?: Handover;
};

export type RunOptions = {
  maxAttempts?: number;
  provider?: (task: ClaimedTask) => Provider;
  /** Hand cells over instead of waiting longer than this for a provider's rate limit. */
  horizonMs?: number;
  /** The cells were handed over by an earlier batch: continuing them is not a new attempt. */
  resume?: boolean;
  /**
   * False: the claim leaves the cells' states queued until their results are recorded (cells
   * the provider cache answers end within the step: showing them running would cost each row
   * a second write).
   */
  showRunning?: boolean;
};

function errorMessage(error: unknown) {
  return error instanceof Error ? error.message : String(error);
}

/** Calls a demo cell's provider and turns its answer or error into a final result, or "retry". */
export async function computeCell(
  task: ClaimedTask,
  attempt: number,
  maxAttempts: number,
  pickProvider: (task: ClaimedTask) => Provider = (t) =>
    providerFor({ id: t.columnId, key: t.key, label: t.label, dataType: t.dataType }),
): Promise<{ result: TaskResult; permanent: boolean } | { retry: string }> {
  let value: ProviderResult;
  const provider = pickProvider(task);
  try {
    value = await provider.enrich({
      row: { id: task.rowId, data: task.rowData },
      column: { id: task.columnId, key: task.key, label: task.label, dataType: task.dataType },
      attempt,
    });
  } catch (error) {
    const message = errorMessage(error);
    const permanent = error instanceof PermanentProviderError;
    const transient = error instanceof TransientProviderError || !permanent;
    if (transient && attempt < maxAttempts) return { retry: message };
    return { result: { taskId: task.taskId, status: "failed", error: message }, permanent };
  }
  const confidence = Math.min(1, Math.max(0, value.confidence));
  return {
    result: {
      taskId: task.taskId,
      status: "done",
      value: value.value,
      confidence,
      source: value.source,
      provider: provider.name,
    },
    permanent: false,
  };
}

/** What a task that this call did not change looks like (already final, cancelled, or gone). */
export async function currentOutcomes(taskIds: string[]): Promise<Map<string, CellOutcome>> {
  await settleUnclaimed(taskIds);
  const states = await readTaskStates(taskIds);
  return new Map(
    states.map((s) => {
      const final = s.status === "done" || s.status === "failed" || s.status === "skipped";
      return [
        s.id,
        {
          taskId: s.id,
          status: final ? s.status : "retry",
          alreadyFinal: final,
          value: s.value ?? undefined,
          confidence: s.confidence ?? undefined,
          error: s.error ?? undefined,
          jobStatus: s.jobStatus,
        } as CellOutcome,
      ];
    }),
  );
}

/** The error of a cell whose task is gone: its table (or workspace), column or row was deleted. */
export const DELETED_ERROR = "deleted";

async function currentOutcome(taskId: string): Promise<CellOutcome> {
  // A task that is gone was deleted with its table, column or row: final, nothing to retry
  // (throwing here made each of a deleted table's running steps retry, and log, three times).
  return (
    (await currentOutcomes([taskId])).get(taskId) ?? {
      taskId,
      status: "failed",
      alreadyFinal: true,
      permanent: true,
      error: DELETED_ERROR,
    }
  );
}

/** The outcome of a result this call recorded (or, if someone else finished it first, as it stands). */
export async function outcomeOf(result: TaskResult, finished: FinishedTask | undefined, permanent = false) {
  if (!finished) return currentOutcome(result.taskId);
  return recordedOutcome(result, finished, permanent);
}

/**
 * The outcome of `result` as `finished` recorded it: a result recorded as another failure (its
 * row's inputs changed while it ran) reports that failure, as a permanent one.
 */
export function recordedOutcome(result: TaskResult, finished: FinishedTask, permanent = false): CellOutcome {
  if (finished.status !== result.status || (result.status === "failed" && finished.error !== result.error)) {
    return {
      taskId: result.taskId,
      status: finished.status,
      alreadyFinal: false,
      permanent: finished.status === "failed" ? true : undefined,
      error: finished.error ?? undefined,
      jobStatus: finished.jobStatus,
    };
  }
  return {
    taskId: result.taskId,
    status: result.status,
    alreadyFinal: false,
    permanent: result.status === "failed" ? permanent : undefined,
    value: result.status === "done" ? result.value : undefined,
    confidence: result.status === "done" ? result.confidence : undefined,
    error: result.status !== "done" ? result.error : undefined,
    jobStatus: finished.jobStatus,
  };
}

export type StartedCell = { outcome: CellOutcome } | { plan: WaterfallPlan };

/**
 * Claims a task (attempts + 1). A cell without a recipe runs at once on the demo provider and
 * its result is recorded; a cell with a recipe is planned (a cell none of whose providers can
 * run ends skipped) and its waterfall is left to the caller. A transient demo failure before
 * the last attempt is rethrown so the orchestrator retries.
 */
export async function startCell(taskId: string, attempt = 1, options: RunOptions = {}): Promise<StartedCell> {
  const maxAttempts = options.maxAttempts ?? MAX_CELL_ATTEMPTS;
  const [task] = await claimTasks([taskId]);
  if (!task) return { outcome: await currentOutcome(taskId) };
  const recipe = options.provider ? undefined : readRecipe(task.recipe);
  if (recipe) {
    const [started] = await startWaterfalls([{ task, recipe }]);
    if (started && "plan" in started) return { plan: started.plan };
    const result = (started as { result: TaskResult }).result;
    const [finished] = await finishTasks([result]);
    return { outcome: await outcomeOf(result, finished) };
  }
  const computed = await computeCell(task, attempt, maxAttempts, options.provider);
  if ("retry" in computed) {
    // Waits queued for the orchestrator's retry (a cancel meanwhile settles it at once).
    await requeueTasks([{ taskId, error: `Attempt ${attempt} failed: ${computed.retry}` }]);
    throw new TransientProviderError(computed.retry);
  }
  const [finished] = await finishTasks([computed.result]);
  return { outcome: await outcomeOf(computed.result, finished, computed.permanent) };
}

/** Records the end of a cell's waterfall (every provider it called) and reports it. */
export async function finishWaterfallCell(plan: WaterfallPlan): Promise<CellOutcome> {
  const { result, finished } = await finishWaterfall(plan);
  return outcomeOf(result, finished, true);
}

/**
 * Runs one cell: claims the task (attempts + 1), runs its provider (or its waterfall, one
 * provider after the other, reusing any provider that already answered for the task), and
 * records the result atomically (Row.data key, task result, row status, job counters, job
 * completion). `attempt` is 1-based. A transient provider error before the last attempt is
 * rethrown so the orchestrator retries the cell; on the last attempt the waterfall moves on,
 * and a demo cell ends failed. Calling it again for a task that is already final changes nothing.
 */
export async function runCellTask(taskId: string, attempt = 1, options: RunOptions = {}): Promise<CellOutcome> {
  const maxAttempts = options.maxAttempts ?? MAX_CELL_ATTEMPTS;
  const started = await startCell(taskId, attempt, options);
  if ("outcome" in started) return started.outcome;
  const { plan } = started;
  for (const providerId of callableProviders(plan)) {
    try {
      const summary = await runWaterfallCall(plan, providerId, { lastAttempt: attempt >= maxAttempts });
      if (summary.stop) break;
    } catch (error) {
      if (error instanceof CallRetry) await noteAttemptError(taskId, `Attempt ${attempt} failed: ${error.message}`);
      throw error;
    }
  }
  return finishWaterfallCell(plan);
}
