import "server-only";
import type { KeyCache } from "../../providers/call-provider";
import type { Recipe } from "../../providers/recipe";
import { type ClaimedTask, readJobBlocks, readTaskCalls, type TaskResult } from "../store";
import { callForCells, isRetryable } from "./calls";
import { callableProviders, startWaterfalls } from "./cell";
import { callsForPlan, decideWaterfalls, FINAL_OUTCOMES, latestByProvider, meetsThreshold } from "./decide";
import type { WaterfallPlan } from "./plan";
import { stoppedCells } from "./stopped-cells";

// Waterfalls of many cells at once (bulk jobs), batched per provider: in each round, every
// cell still looking asks its next provider, all calls of one provider run together (bounded
// concurrency) and are recorded in one statement. A cell stops at the first value that meets
// its threshold. A rate-limited or transient answer takes the cell out of the batch to be
// retried on its own (the orchestrator's per-cell retry, which reuses the answers it already
// has), unless this was its last attempt, when its waterfall moves on. With `horizonMs`, a
// cell whose next provider's rate limit would keep it waiting longer is handed over: it stays
// running, with the calls it made recorded, and its caller has that provider called elsewhere
// and then runs the batch again for it (see HANDOVER_HORIZON_MS).

/** A cell taken out of a batch to wait for `provider`'s rate limit outside it. */
export type Handover = { taskId: string; provider: string; workspaceId: string };

export type WaterfallBatch = {
  finals: TaskResult[];
  retry: { taskId: string; error: string }[];
  handover: Handover[];
};

export async function runWaterfallBatch(
  tasks: { task: ClaimedTask; recipe: Recipe }[],
  {
    lastAttempt,
    keys = new Map(),
    horizonMs,
    resume = false,
  }: { lastAttempt: boolean; keys?: KeyCache; horizonMs?: number; resume?: boolean },
): Promise<WaterfallBatch> {
  const finals: TaskResult[] = [];
  const retry: WaterfallBatch["retry"] = [];
  const handover: Handover[] = [];
  const plans: WaterfallPlan[] = [];
  // Planning, what each cell already has (a retried batch, or cells re-driven after a crash)
  // and the job's blocked providers are read at once. The calls planning records (providers
  // passed over for a missing input) are never called, so `existing` need not see them. A
  // cell claimed for the first time (attempts 1, not resumed) has no calls yet.
  const [started, existing, blocks] = await Promise.all([
    startWaterfalls(tasks),
    readTaskCalls(tasks.filter(({ task }) => resume || task.attempts > 1).map(({ task }) => task.taskId)),
    readJobBlocks([...new Set(tasks.map(({ task }) => task.jobId))]),
  ]);
  for (const one of started) {
    if ("result" in one) finals.push(one.result);
    else plans.push(one.plan);
  }
  if (plans.length === 0) return { finals, retry, handover };
  const state = new Map(
    plans.map((plan) => {
      const latest = latestByProvider(
        callsForPlan(
          plan,
          existing.filter((c) => c.taskId === plan.taskId),
        ),
      );
      const done = [...latest.values()].some((c) => meetsThreshold(c, plan.minConfidence));
      return [plan.taskId, { plan, queue: callableProviders(plan), latest, done }];
    }),
  );

  for (let round = 0; ; round++) {
    // Cells deleted, ended or cancelled since the last round ask no further provider.
    if (round > 0) {
      const looking = [...state.values()].filter((c) => !c.done).map((c) => c.plan);
      for (const taskId of await stoppedCells(looking)) state.delete(taskId);
    }
    // Each looking cell's next provider without a final outcome yet.
    const byProvider = new Map<string, WaterfallPlan[]>();
    for (const cell of state.values()) {
      if (cell.done) continue;
      while (cell.queue.length > 0 && FINAL_OUTCOMES.has(cell.latest.get(cell.queue[0] as string)?.outcome ?? "")) {
        cell.queue.shift();
      }
      const next = cell.queue[0];
      if (next === undefined) {
        cell.done = true;
        continue;
      }
      byProvider.set(next, [...(byProvider.get(next) ?? []), cell.plan]);
    }
    if (byProvider.size === 0) break;
    const rounds = await Promise.all(
      [...byProvider].map(async ([providerId, group]) => ({
        providerId,
        ...(await callForCells(group, providerId, {
          keys,
          blocked: (plan) => blocks.get(plan.jobId)?.get(providerId),
          ...(horizonMs !== undefined ? { horizonMs } : {}),
        })),
      })),
    );
    const later = new Set<string>();
    for (const { providerId, deferred } of rounds) {
      for (const plan of deferred) {
        later.add(plan.taskId);
        handover.push({ taskId: plan.taskId, provider: providerId, workspaceId: plan.workspaceId });
        state.delete(plan.taskId);
      }
    }
    const calls = rounds.flatMap((r) => r.calls);
    const answered = new Set(calls.map((c) => c.taskId));
    for (const group of byProvider.values()) {
      for (const plan of group) {
        // A call that could not be recorded (lost every race for its attempt number): retry the cell.
        if (!answered.has(plan.taskId) && !later.has(plan.taskId)) {
          retry.push({ taskId: plan.taskId, error: "the provider call could not be recorded" });
          state.delete(plan.taskId);
        }
      }
    }
    for (const call of calls) {
      const cell = state.get(call.taskId);
      if (!cell) continue;
      cell.latest.set(call.provider, call);
      if (meetsThreshold(call, cell.plan.minConfidence)) cell.done = true;
      else if (isRetryable(call.outcome)) {
        if (lastAttempt) cell.queue.shift();
        else {
          retry.push({ taskId: call.taskId, error: `${call.provider}: ${call.error ?? call.outcome}` });
          state.delete(call.taskId);
        }
      }
      if (call.outcome === "out_of_credits" || call.outcome === "unauthorized") {
        const reason =
          call.outcome === "out_of_credits"
            ? "out of credits earlier in this job"
            : "its key was refused earlier in this job";
        const jobBlocks = blocks.get(cell.plan.jobId) ?? new Map<string, string>();
        jobBlocks.set(call.provider, reason);
        blocks.set(cell.plan.jobId, jobBlocks);
      }
    }
  }
  finals.push(...(await decideWaterfalls([...state.values()].map((c) => c.plan))));
  return { finals, retry, handover };
}
