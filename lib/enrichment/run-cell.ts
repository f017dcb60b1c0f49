import "server-only";
import { notFound } from "../errors";
import { MAX_CELL_ATTEMPTS } from "./policy";
import {
  PermanentProviderError,
  type Provider,
  type ProviderResult,
  providerFor,
  TransientProviderError,
} from "./providers";
import { settleUnclaimed } from "./settle-unclaimed";
import { type ClaimedTask, claimTasks, finishTasks, noteAttemptError, readTaskStates, type TaskResult } from "./store";

export type CellOutcome = {
  taskId: string;
  /** done/failed: final. retry: a transient error; run the cell again (on its own). */
  status: "done" | "failed" | "retry";
  /** True when the task was already final, so this call changed nothing. */
  alreadyFinal: boolean;
  /** The failure was permanent (retrying cannot help). */
  permanent?: boolean;
  value?: unknown;
  confidence?: number;
  error?: string;
  jobStatus?: string;
};

export type RunOptions = { maxAttempts?: number; provider?: (task: ClaimedTask) => Provider };

function errorMessage(error: unknown) {
  return error instanceof Error ? error.message : String(error);
}

/** Calls the cell's provider and turns its answer or error into a final result, or "retry". */
export async function computeCell(
  task: ClaimedTask,
  attempt: number,
  maxAttempts: number,
  pickProvider: (task: ClaimedTask) => Provider = (t) =>
    providerFor({ id: t.columnId, key: t.key, label: t.label, dataType: t.dataType }),
): Promise<{ result: TaskResult; permanent: boolean } | { retry: string }> {
  let value: ProviderResult;
  try {
    value = await pickProvider(task).enrich({
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
    result: { taskId: task.taskId, status: "done", value: value.value, confidence, source: value.source },
    permanent: false,
  };
}

/** What a task that this call did not change looks like (already final, cancelled, or gone). */
export async function currentOutcomes(taskIds: string[]): Promise<Map<string, CellOutcome>> {
  await settleUnclaimed(taskIds);
  const states = await readTaskStates(taskIds);
  return new Map(
    states.map((s) => [
      s.id,
      {
        taskId: s.id,
        status: s.status === "done" ? "done" : s.status === "failed" ? "failed" : "retry",
        alreadyFinal: s.status === "done" || s.status === "failed",
        value: s.value ?? undefined,
        confidence: s.confidence ?? undefined,
        error: s.error ?? undefined,
        jobStatus: s.jobStatus,
      },
    ]),
  );
}

/**
 * Runs one cell: claims the task (attempts + 1), asks the provider, and records the result
 * atomically (Row.data key, task result, row status, job counters, job completion).
 * `attempt` is 1-based. A transient provider error before the last attempt is rethrown so
 * the orchestrator retries the step; on the last attempt, or for a permanent error, the
 * task ends failed. Calling it again for a task that is already final changes nothing.
 */
export async function runCellTask(taskId: string, attempt = 1, options: RunOptions = {}): Promise<CellOutcome> {
  const maxAttempts = options.maxAttempts ?? MAX_CELL_ATTEMPTS;
  const [task] = await claimTasks([taskId]);
  if (!task) {
    const outcome = (await currentOutcomes([taskId])).get(taskId);
    if (!outcome) throw notFound("task", taskId);
    return outcome;
  }
  const computed = await computeCell(task, attempt, maxAttempts, options.provider);
  if ("retry" in computed) {
    await noteAttemptError(taskId, `Attempt ${attempt} failed: ${computed.retry}`);
    throw new TransientProviderError(computed.retry);
  }
  const [finished] = await finishTasks([computed.result]);
  if (!finished) {
    const outcome = (await currentOutcomes([taskId])).get(taskId);
    if (!outcome) throw notFound("task", taskId);
    return outcome;
  }
  const r = computed.result;
  return {
    taskId,
    status: r.status,
    alreadyFinal: false,
    permanent: r.status === "failed" ? computed.permanent : undefined,
    value: r.status === "done" ? r.value : undefined,
    confidence: r.status === "done" ? r.confidence : undefined,
    error: r.status === "failed" ? r.error : undefined,
    jobStatus: finished.jobStatus,
  };
}
