import type { RunSummary, StepView } from "./queries";

// Step and run times as the UI and the JSON API show them. A step's time is its own
// execution: from when the request that ran it was sent to its result (the last
// attempt's, for a retried step), not from when it was planned or waited for a slot.
// A run's time is wall time. Their sum counts only steps the app executed (step.run,
// sendEvent), not sleeps or waits; parallel steps overlap, so only for sequential runs
// is it bounded by the wall time.

/** Step kinds the app executes; the others (sleep, waitForEvent, invoke) are waits. */
const EXECUTED = new Set(["run", "sendEvent"]);

export function isExecuted(step: Pick<StepView, "op">): boolean {
  return EXECUTED.has(step.op ?? "run");
}

export function stepMs(step: Pick<StepView, "startedAt" | "endedAt">): number | null {
  return step.startedAt && step.endedAt ? Math.max(0, step.endedAt.getTime() - step.startedAt.getTime()) : null;
}

/** Wall time: first request to end (or to now while running). */
export function wallMs(run: Pick<RunSummary, "startedAt" | "endedAt">, now = Date.now()): number | null {
  return run.startedAt ? Math.max(0, (run.endedAt?.getTime() ?? now) - run.startedAt.getTime()) : null;
}

/** Sum of the executed steps' own times. */
export function stepTimeMs(steps: StepView[]): number {
  return steps.filter(isExecuted).reduce((sum, s) => sum + (stepMs(s) ?? 0), 0);
}
