import "server-only";
import { peekRecipeTasks, readJobBlocks, readTaskCalls } from "../store";
import { callForCells } from "./calls";
import { callableProviders, planPeeked } from "./cell";
import { callsForPlan, FINAL_OUTCOMES, latestByProvider, meetsThreshold } from "./decide";
import { endCancelledCells, stoppedCells } from "./stopped-cells";

// Cells a batch handed over (see batch.ts): they are running, their earlier calls recorded,
// and wait for one provider whose rate limit is busy. The orchestrator calls that provider for
// them in a function of its own, whose concurrency is keyed by workspace and provider, so the
// wait holds no slot of the table's steps (other cells of the job keep calling other
// providers meanwhile); then it runs the batch again for them (`resume`), which goes on from
// their recorded calls. Both are safe to repeat: a provider that already answered a cell is
// not called again, and a resumed cell is not a new attempt.

/**
 * Calls `provider` for the listed cells of one job that still need it, waiting for its rate
 * limit as long as a call may (GLAZE_RATE_LIMIT_MAX_WAIT_MS), and records the calls. Cells of a
 * cancelled job are ended instead (stopped-cells.ts: a value already found is kept). Returns
 * how many calls were recorded.
 */
export async function callHandedOver({
  jobId,
  taskIds,
  provider,
}: {
  jobId: string;
  taskIds: string[];
  provider: string;
}): Promise<{ called: number }> {
  const tasks = (await peekRecipeTasks(taskIds, "running")).filter((t) => t.jobId === jobId);
  const peeked = await planPeeked(tasks);
  const stopped = await stoppedCells(peeked);
  // Cells that could not be planned (their recipe gone) end "cancelled" too if the job is.
  await endCancelledCells(jobId, taskIds);
  const planned = peeked.filter((plan) => !stopped.has(plan.taskId));
  if (planned.length === 0) return { called: 0 };
  const [blocks, existing] = await Promise.all([readJobBlocks([jobId]), readTaskCalls(planned.map((p) => p.taskId))]);
  const callsOf = new Map<string, typeof existing>();
  for (const call of existing) callsOf.set(call.taskId, [...(callsOf.get(call.taskId) ?? []), call]);
  const plans = planned.filter((plan) => {
    const callable = callableProviders(plan);
    if (!callable.includes(provider)) return false;
    const latest = latestByProvider(callsForPlan(plan, callsOf.get(plan.taskId) ?? []));
    // Planned from the row as it is now: if its inputs were edited since the batch asked the
    // providers before this one, those answers are about the old values. Nothing is called
    // here; the resumed batch asks the waterfall again from its first provider.
    if (callable.slice(0, callable.indexOf(provider)).some((p) => !latest.has(p))) return false;
    // A repeated step (or a cell another run already moved on): nothing left to ask this provider.
    if (FINAL_OUTCOMES.has(latest.get(provider)?.outcome ?? "")) return false;
    return ![...latest.values()].some((c) => meetsThreshold(c, plan.minConfidence));
  });
  if (plans.length === 0) return { called: 0 };
  const { calls } = await callForCells(plans, provider, {
    keys: new Map(),
    blocked: () => blocks.get(jobId)?.get(provider),
  });
  return { called: calls.length };
}
