import { type CallRow, readTaskCalls, type TaskResult } from "../store";

/** The reason a budget gives (lib/costs/paid-call.ts says it; decide reads it). */
import { BUDGET_REACHED } from "../task-errors";

export { BUDGET_REACHED };

import { requestFingerprint } from "../../providers/call-provider";
import { requestOf, type WaterfallPlan } from "./plan";

// The stop rule and the choice of a cell's value. Providers are taken in the waterfall's order;
// the first found value whose confidence reaches the threshold wins. When none reaches it, the
// most confident found value wins (the earlier provider on a tie). When nothing was found the
// cell fails, saying what each provider answered, unless a budget stopped it: then it is skipped.

/** Outcomes after which a provider is not called again for the task. */
export const FINAL_OUTCOMES = new Set(["found", "not_found", "bad_input", "out_of_credits", "unauthorized", "skipped"]);

/**
 * The calls of a task that answered what `plan` asks (same provider, same fingerprint). A cell
 * claimed again after its inputs were edited (a retry on its own, a re-drive) has a plan made
 * from the new values; the answers about the old ones are neither reused nor chosen from.
 */
export function callsForPlan(plan: WaterfallPlan, calls: CallRow[]): CallRow[] {
  const fingerprints = new Map<string, string>();
  return calls.filter((call) => {
    let fingerprint = fingerprints.get(call.provider);
    if (fingerprint === undefined) {
      fingerprint = requestFingerprint(call.provider, requestOf(plan));
      fingerprints.set(call.provider, fingerprint);
    }
    return call.fingerprint === fingerprint;
  });
}

/** The latest call of each provider of a task. */
export function latestByProvider(calls: CallRow[]): Map<string, CallRow> {
  const latest = new Map<string, CallRow>();
  for (const call of calls) {
    const current = latest.get(call.provider);
    if (!current || call.attempt > current.attempt) latest.set(call.provider, call);
  }
  return latest;
}

export const meetsThreshold = (call: Pick<CallRow, "outcome" | "confidence">, minConfidence: number) =>
  call.outcome === "found" && (call.confidence ?? 0) >= minConfidence;

const OUTCOME_TEXT: Record<string, string> = {
  not_found: "not found",
  rate_limited: "rate limited",
  out_of_credits: "out of credits",
  unauthorized: "key refused",
  bad_input: "refused the inputs",
  transient: "failed",
  skipped: "not called",
};

export function decide(plan: WaterfallPlan, calls: CallRow[]): TaskResult {
  const latest = latestByProvider(callsForPlan(plan, calls));
  const ordered = plan.providers.map((p) => latest.get(p.id)).filter((c): c is CallRow => c !== undefined);
  const details = { waterfall: plan.providers.map((p) => p.id), minConfidence: plan.minConfidence, field: plan.field };
  const winner =
    ordered.find((c) => meetsThreshold(c, plan.minConfidence)) ??
    ordered
      .filter((c) => c.outcome === "found")
      .reduce<CallRow | undefined>(
        (best, c) => (!best || (c.confidence ?? 0) > (best.confidence ?? 0) ? c : best),
        undefined,
      );
  if (winner) {
    return {
      taskId: plan.taskId,
      status: "done",
      value: winner.value,
      confidence: winner.confidence ?? 0,
      source: winner.source ?? winner.provider,
      provider: winner.provider,
      details: { ...details, callId: winner.id, ai: winner.provider === "llm" },
      ...(plan.reads ? { reads: plan.reads } : {}),
    };
  }
  // A budget stopped the waterfall before it found anything: the cell is skipped, not failed.
  if ([...latest.values()].some((c) => c.outcome === "skipped" && c.error === BUDGET_REACHED)) {
    return { taskId: plan.taskId, status: "skipped", error: BUDGET_REACHED, details };
  }
  const why = plan.providers
    .map((p) => {
      const call = latest.get(p.id);
      if (!call) return `${p.id}: not called`;
      if (call.outcome === "skipped" && call.error) return `${p.id}: ${call.error}`;
      const text = Object.hasOwn(OUTCOME_TEXT, call.outcome) ? OUTCOME_TEXT[call.outcome] : call.outcome;
      // An HTTP column calls the API its person set up: what the API said (a 404 from a wrong
      // URL, no value at the path) tells a mistake in the recipe from a real miss.
      return p.id === "http" && call.error ? `${p.id}: ${text} (${call.error})` : `${p.id}: ${text}`;
    })
    .join("; ");
  return {
    taskId: plan.taskId,
    status: "failed",
    error: `No value found (${why})`,
    details,
    ...(plan.reads ? { reads: plan.reads } : {}),
  };
}

/** Decides the results of waterfalls from their recorded calls (one read). */
export async function decideWaterfalls(plans: WaterfallPlan[]): Promise<TaskResult[]> {
  const calls = await readTaskCalls(plans.map((p) => p.taskId));
  return plans.map((plan) =>
    decide(
      plan,
      calls.filter((c) => c.taskId === plan.taskId),
    ),
  );
}
