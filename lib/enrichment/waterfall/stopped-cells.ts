import "server-only";
import { finalizeJobs, finishTasks, readChangedInputs, readTaskStates, settleCancelledTasks } from "../store";
import { decideWaterfalls } from "./decide";
import type { WaterfallPlan } from "./plan";

// A waterfall stops between two provider calls when its cell no longer wants a value: the cell
// was deleted (its row, column or table), it was ended meanwhile (a value written by hand), or
// its job was cancelled. A cell of a cancelled job keeps a value its providers already found
// (below the threshold, or its waterfall would have ended: the most confident, as when a budget
// stops it); the others end failed "cancelled". Nothing more is spent on it. (A call already
// under way finishes and is charged once.) It stops too when a value it asks about changed
// since it was claimed (a domain edited while the cell waited for its call): the next provider
// would be paid for the old question, and the record of the result would throw the answer away.
// Such a cell ends failed "… changed while this cell ran; run it again" at once.

/**
 * The listed running cells that must not be called again: gone, no longer running, of a
 * cancelled job, or asking about a value that changed (those are ended, see above, and their
 * jobs finalized). Two reads for the cells; for the ended ones, one read of their calls and
 * one statement per job.
 */
export async function stoppedCells(plans: WaterfallPlan[]): Promise<Set<string>> {
  if (plans.length === 0) return new Set();
  const states = new Map((await readTaskStates(plans.map((p) => p.taskId))).map((s) => [s.id, s]));
  const stopped = new Set<string>();
  const cancelled: WaterfallPlan[] = [];
  const running: WaterfallPlan[] = [];
  for (const plan of plans) {
    const state = states.get(plan.taskId);
    if (state?.status === "running" && state.jobStatus !== "cancelled") {
      running.push(plan);
      continue;
    }
    stopped.add(plan.taskId);
    if (state?.status === "running") cancelled.push(plan);
  }
  if (cancelled.length > 0) await endCancelledWaterfalls(cancelled);
  const asking = running.flatMap((plan) => (plan.reads ? [{ ...plan, reads: plan.reads }] : []));
  const changed = await readChangedInputs(asking);
  if (changed.size > 0) {
    const stale = running.filter((plan) => changed.has(plan.taskId));
    // Recorded as any result is: the record finds the changed input and fails the cell with it.
    await finishTasks(await decideWaterfalls(stale));
    await finalizeJobs([...new Set(stale.map((plan) => plan.jobId))]);
    for (const plan of stale) stopped.add(plan.taskId);
  }
  return stopped;
}

/** Running cells of cancelled jobs: each keeps a value already found, or fails "cancelled". */
async function endCancelledWaterfalls(plans: WaterfallPlan[]) {
  // Marked as ended by the cancel: its history says so of the providers it never reached.
  const found = (await decideWaterfalls(plans))
    .filter((result) => result.status === "done")
    .map((result) => ({ ...result, details: { ...result.details, cancelled: true } }));
  // Recorded like any result: only while running (once), not merged if its inputs changed.
  await finishTasks(found);
  const kept = new Set(found.map((r) => r.taskId));
  const byJob = new Map<string, string[]>();
  for (const plan of plans) {
    if (!kept.has(plan.taskId)) byJob.set(plan.jobId, [...(byJob.get(plan.jobId) ?? []), plan.taskId]);
  }
  for (const [jobId, taskIds] of byJob) await endCancelledCells(jobId, taskIds);
}

/**
 * Ends the listed running cells of job `jobId` as failed "cancelled" if the job is cancelled
 * (nothing otherwise), and finalizes it. Returns how many were ended.
 */
export async function endCancelledCells(jobId: string, taskIds: string[]): Promise<number> {
  if (taskIds.length === 0) return 0;
  const ended = await settleCancelledTasks({ jobId, taskIds, limit: taskIds.length, running: true });
  if (ended > 0) await finalizeJobs([jobId]);
  return ended;
}
