import type { RunDriver } from "./driver";
import { dueAt, memoJson, type Op, OpCode, opName, type SerializedError, toError } from "./protocol";
import { backoffMs } from "./timers";

// What the server does for each op of a 206 response. Every path ends by memoizing the
// step (or by ending the run).

type Kind = "data" | "error";

/** Short label for the UI: run, sendEvent, sleep, waitForEvent, invoke... */
function stepKind(op: Op): string {
  if (op.opts?.type === "step.sendEvent") return "sendEvent";
  switch (op.op) {
    case OpCode.StepPlanned:
    case OpCode.StepRun:
    case OpCode.StepError:
    case OpCode.StepFailed:
      return "run";
    case OpCode.Sleep:
      return "sleep";
    case OpCode.WaitForEvent:
      return "waitForEvent";
    case OpCode.InvokeFunction:
      return "invoke";
    default:
      return op.op;
  }
}

export async function runStep(
  d: RunDriver,
  op: Op,
  reqAttempt: number,
  snapshot: number,
  retryAfterMs: number | undefined,
  startedAt: number,
): Promise<void> {
  const step: StepCtx = { d, op, name: opName(op), kind: stepKind(op), snapshot, startedAt };
  switch (op.op) {
    case OpCode.StepRun:
      return memoize(step, "data", JSON.stringify(op.data ?? null), reqAttempt + 1);
    case OpCode.StepFailed:
      return memoize(step, "error", JSON.stringify(toError(op.error, "step failed")), reqAttempt + 1);
    case OpCode.StepError:
      return retry(step, reqAttempt + 1, retryAfterMs, toError(op.error, "step error"));
    case OpCode.StepPlanned:
      return planned(step);
    case OpCode.Sleep:
      return sleep(step);
    case OpCode.WaitForEvent:
      return waitForEvent(step);
    case OpCode.InvokeFunction:
      return invoke(step);
    default:
      return memoize(step, "error", JSON.stringify(toError(null, `${op.op} is not supported by this dev server`)), 1);
  }
}

/** A step the SDK ran inline and reported to /v1/checkpoint (see checkpoint.ts). */
export function memoizeCheckpointed(d: RunDriver, op: Op): Promise<void> {
  const startedAt = d.run.lastProgressAt ?? Date.now();
  const s: StepCtx = { d, op, name: opName(op), kind: stepKind(op), snapshot: d.run.size, startedAt };
  return memoize(s, "data", JSON.stringify(op.data ?? null), 1);
}

interface StepCtx {
  d: RunDriver;
  op: Op;
  name: string;
  kind: string;
  /** Memoized steps the SDK needs to reach this step (see RunState.body). */
  snapshot: number;
  /** When the request that executed (or reported) the step was sent. */
  startedAt: number;
}

async function memoize(s: StepCtx, kind: Kind, valueJson: string, attempts: number): Promise<void> {
  const { d, op } = s;
  d.checkLive();
  const seq = d.run.add(op.id, memoJson(kind, valueJson));
  const write = d.ex.store.steps.write({
    runId: d.run.id,
    id: op.id,
    seq,
    name: s.name,
    op: s.kind,
    status: kind === "data" ? "completed" : "failed",
    data: kind === "data" ? valueJson : null,
    error: kind === "error" ? valueJson : null,
    attempts,
    startedAt: new Date(s.startedAt),
    endedAt: new Date(),
  });
  d.run.writes.add(write);
  try {
    await write;
  } finally {
    d.run.writes.delete(write);
  }
  if (d.run.retryRows.delete(op.id)) d.ex.track(d.ex.store.unschedule(d.run.id, op.id));
  d.run.lastProgressAt = Date.now();
  const outcome = kind === "data" ? "done" : "failed";
  d.log(`step "${s.name}" ${outcome} in ${Date.now() - s.startedAt} ms${attempts > 1 ? ` (attempt ${attempts})` : ""}`);
}

/** A planned step (parallel, or immediate execution disabled): one request per attempt. */
async function planned(s: StepCtx): Promise<void> {
  const pending = s.d.pendingRetries.get(s.op.id);
  if (!pending) return execute(s, 0);
  s.d.pendingRetries.delete(s.op.id);
  await s.d.sleepUntil(pending.dueAt);
  return execute(s, pending.attempt);
}

async function execute(s: StepCtx, firstAttempt: number): Promise<void> {
  const { d, op } = s;
  const max = d.maxAttempts();
  for (let attempt = firstAttempt; ; attempt++) {
    const out = await d.request(op.id, attempt, s.snapshot, true);
    d.checkLive();
    // The step's time is its own request's, not the wait for a slot or earlier attempts.
    s.startedAt = out.sentAt;
    if (out.kind === "complete") return d.complete(out.data);
    let error: SerializedError;
    let retriable = true;
    if (out.kind === "ops") {
      const res = out.ops.find((o) => o.id === op.id) ?? out.ops[0];
      if (res?.op === OpCode.StepRun) return memoize(s, "data", JSON.stringify(res.data ?? null), attempt + 1);
      if (res?.op === OpCode.StepFailed) {
        return memoize(s, "error", JSON.stringify(toError(res.error, "step failed")), attempt + 1);
      }
      error =
        res?.op === OpCode.StepError
          ? toError(res.error, "step error")
          : toError(null, `unexpected answer to step request: ${JSON.stringify(out.ops).slice(0, 300)}`);
    } else {
      error = out.error;
      retriable = out.retriable;
    }
    if (!retriable) return d.fail(error);
    if (attempt + 1 >= max) {
      // The SDK turns the last attempt's error into StepFailed itself; reaching this
      // means the failure happened outside the step (e.g. HTTP errors): the run fails.
      return out.kind === "ops" ? memoize(s, "error", JSON.stringify(error), attempt + 1) : d.fail(error);
    }
    await waitForRetry(s, attempt + 1, out.retryAfterMs, error);
  }
}

/** StepError from an immediately executed step: retry it as a planned step. */
async function retry(s: StepCtx, next: number, retryAfterMs: number | undefined, error: SerializedError) {
  if (next >= s.d.maxAttempts()) return memoize(s, "error", JSON.stringify(error), next);
  await waitForRetry(s, next, retryAfterMs, error);
  return execute(s, next);
}

async function waitForRetry(s: StepCtx, attempt: number, retryAfterMs: number | undefined, error: SerializedError) {
  const { d, op } = s;
  const delay = backoffMs(attempt, d.ex.options.backoffScale, retryAfterMs);
  const due = Date.now() + delay;
  const lastError = JSON.stringify(error);
  await Promise.all([
    d.ex.store.schedule({ ...timer(s, "retry", due), attempt, keepExisting: false }),
    d.ex.store.steps.write({
      runId: d.run.id,
      id: op.id,
      seq: null,
      name: s.name,
      op: s.kind,
      status: "retrying",
      data: null,
      error: lastError,
      attempts: attempt,
      startedAt: new Date(s.startedAt),
      endedAt: null,
    }),
  ]);
  d.run.retryRows.add(op.id);
  d.log(`step "${s.name}" failed (attempt ${attempt}/${d.maxAttempts()}), retrying in ${delay} ms: ${error.message}`);
  await d.sleepUntil(due);
}

function timer(s: StepCtx, kind: "retry" | "sleep" | "wait" | "invoke", due: number) {
  return { runId: s.d.run.id, stepId: s.op.id, name: s.name, kind, dueAt: due, keepExisting: true };
}

/** A plain error as memo JSON. */
function errorJson(message: string): string {
  return JSON.stringify(toError(null, message));
}

async function sleep(s: StepCtx): Promise<void> {
  const { d, op } = s;
  let due: number;
  try {
    due = dueAt(op.name ?? "");
  } catch (err) {
    return memoize(s, "error", errorJson((err as Error).message), 1);
  }
  due = await d.ex.store.schedule(timer(s, "sleep", due));
  d.log(`step "${s.name}" sleeping until ${new Date(due).toISOString()}`);
  await d.sleepUntil(due);
  await memoize(s, "data", "null", 1);
  d.ex.track(d.ex.store.unschedule(d.run.id, op.id));
}

async function waitForEvent(s: StepCtx): Promise<void> {
  const { d, op } = s;
  const opts = (op.opts ?? {}) as { timeout?: string; if?: string };
  let due: number;
  try {
    due = dueAt(opts.timeout ?? "");
  } catch (err) {
    return memoize(s, "error", errorJson((err as Error).message), 1);
  }
  due = await d.ex.store.schedule(timer(s, "wait", due));
  d.log(`step "${s.name}" waiting for event "${op.name}" until ${new Date(due).toISOString()}`);
  const event = await d.ex.waitForEvent(d, op.name ?? "", opts.if, due);
  await memoize(s, "data", event ? JSON.stringify(event) : "null", 1);
  d.ex.track(d.ex.store.unschedule(d.run.id, op.id));
}

async function invoke(s: StepCtx): Promise<void> {
  const { d, op } = s;
  const opts = (op.opts ?? {}) as { function_id?: string; payload?: { data?: unknown; v?: string }; timeout?: string };
  const target = opts.function_id ? d.ex.registry.get(opts.function_id) : undefined;
  if (!target) return memoize(s, "error", errorJson(`invoked function "${opts.function_id}" is not registered`), 1);
  let due: number | undefined;
  try {
    if (opts.timeout) due = dueAt(opts.timeout);
  } catch (err) {
    return memoize(s, "error", errorJson((err as Error).message), 1);
  }
  if (due !== undefined) due = await d.ex.store.schedule(timer(s, "invoke", due));
  const childId = await d.ex.startChild(d.run, op.id, target, opts.payload ?? {});
  d.log(`step "${s.name}" invoked ${target.config.id} (run ${childId})`);
  const result = await d.ex.waitForRun(childId, d.signal, due);
  if (result === "timeout") {
    const err = { name: "InngestInvokeTimeoutError", message: "Timed out waiting for invoked function to complete" };
    return memoize(s, "error", JSON.stringify(err), 1);
  }
  if (result.status === "completed") await memoize(s, "data", result.output ?? "null", 1);
  else await memoize(s, "error", result.error ?? errorJson(`invoked run ${result.status}`), 1);
  if (due !== undefined) d.ex.track(d.ex.store.unschedule(d.run.id, op.id));
}
