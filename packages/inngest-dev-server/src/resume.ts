import type { PendingRetry } from "./driver";
import { memoJson } from "./protocol";
import { RunState } from "./run-state";
import type { UnfinishedRun } from "./store";

/**
 * Rebuilds a run's in-memory state from its rows: memoized steps in completion order
 * and the retry timers that were pending. Used at startup and after a database outage.
 */
export function restoreRun(r: UnfinishedRun): { state: RunState; pending: Map<string, PendingRetry> } {
  const state = new RunState(r.id, r.functionId, r.event, r.createdAt.getTime(), r.parentRunId);
  state.startedAt = r.startedAt?.getTime();
  state.disableImmediate = r.disableImmediate;
  for (const s of r.steps) {
    if (s.status === "completed") state.add(s.id, memoJson("data", s.data ?? "null"));
    else if (s.status === "failed") state.add(s.id, memoJson("error", s.error ?? "null"));
  }
  const pending = new Map<string, PendingRetry>();
  for (const sch of r.scheduled) {
    if (sch.kind !== "retry") continue;
    pending.set(sch.stepId, { attempt: sch.attempt ?? 1, dueAt: sch.dueAt.getTime() });
    state.retryRows.add(sch.stepId);
  }
  return { state, pending };
}
