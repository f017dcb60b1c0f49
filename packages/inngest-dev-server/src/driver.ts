import { setMaxListeners } from "node:events";
import { AppUnreachable } from "./app-client";
import type { Executor } from "./executor";
import { ulid } from "./ids";
import {
  classify,
  IGNORED_OPS,
  maxAttempts,
  type Op,
  OpCode,
  type Outcome,
  type SerializedError,
  stepUrl,
  toError,
} from "./protocol";
import type { FnEntry } from "./registry";
import type { RunState } from "./run-state";
import { runStep } from "./step-ops";
import type { RunStatus } from "./store";
import { backoffMs, Stopped, sleepUntil } from "./timers";

/** The run's function is gone: the run fails rather than retrying. */
export class FunctionMissing extends Error {}

/** Retry timers restored after a restart. */
export interface PendingRetry {
  attempt: number;
  dueAt: number;
}

/** Drives one run: discovery requests, then the ops they return, until it ends. */
export class RunDriver {
  private readonly ctrl = new AbortController();
  readonly signal: AbortSignal;
  /** The executor's epoch at launch; a database outage moves it on (see Executor.suspend). */
  readonly epoch: number;
  private noProgress = 0;
  /** Past the function's throttle (only a run's first request waits for it). */
  private admitted = false;

  constructor(
    readonly ex: Executor,
    readonly run: RunState,
    /** Step-level (by step id) and function-level ("") retries pending at a restart. */
    readonly pendingRetries: Map<string, PendingRetry>,
    private readonly resumed: boolean,
  ) {
    this.epoch = ex.epoch;
    this.signal = AbortSignal.any([this.ctrl.signal, ex.stopSignal, ex.suspendSignal]);
    // A run waits on as many things at once as it has parallel steps (invoked children, sleeps),
    // each listening for this signal: more than Node's default of 10 is not a leak.
    setMaxListeners(0, this.signal);
  }

  log(message: string): void {
    this.ex.log(`run ${this.run.id} ${this.run.fnId}: ${message}`);
  }

  async main(): Promise<void> {
    try {
      await this.loop();
    } catch (err) {
      // The database went away (now or earlier): stop without recording anything; the
      // run is reloaded from its stored steps once the database is back.
      if (this.ex.health.report(err) || this.epoch !== this.ex.epoch) return;
      if (err instanceof Stopped || this.run.finished || this.ex.stopSignal.aborted) return;
      if (!(err instanceof FunctionMissing)) this.log(`internal error: ${(err as Error).stack ?? err}`);
      const error = err instanceof Error ? { name: err.name, message: err.message } : toError(err, "internal error");
      await this.finish("failed", null, error).catch(() => {});
    }
  }

  fn(): FnEntry {
    const fn = this.ex.registry.get(this.run.fnId);
    if (!fn) throw new FunctionMissing(`function "${this.run.fnId}" is not registered (was it removed from the app?)`);
    return fn;
  }

  maxAttempts(): number {
    return maxAttempts(this.fn().config);
  }

  /** Throws Stopped once the run has ended, the server is stopping or the database went away. */
  check(): void {
    if (this.run.finished || this.signal.aborted) throw new Stopped();
  }

  /**
   * Throws Stopped once the run has ended or the server is stopping, but not during a
   * database outage: a result already in hand is still stored (or kept for later).
   */
  checkLive(): void {
    if (this.run.finished || this.ex.stopSignal.aborted) throw new Stopped();
  }

  /** A draining or suspended server lets in-flight requests finish but starts no new ones. */
  private checkNewWork(): void {
    this.check();
    if (this.ex.draining || this.epoch !== this.ex.epoch) throw new Stopped();
  }

  sleepUntil(dueAt: number): Promise<void> {
    return sleepUntil(dueAt, this.signal);
  }

  private async loop(): Promise<void> {
    const fnRetry = this.pendingRetries.get("");
    if (fnRetry) {
      this.run.attempt = fnRetry.attempt;
      await this.sleepUntil(fnRetry.dueAt);
    }
    // After a restart, steps that were mid-retry must not run inline at attempt 0:
    // have the SDK plan them so they continue from their stored attempt.
    let disableOnce = this.resumed && this.pendingRetries.size > (fnRetry ? 1 : 0);
    for (;;) {
      const sizeBefore = this.run.size;
      const out = await this.request("step", this.run.attempt, this.run.size, this.run.disableImmediate || disableOnce);
      disableOnce = false;
      if (out.kind === "complete") return this.complete(out.data);
      if (out.kind === "error") {
        await this.functionError(out);
        continue;
      }
      const handled = await this.handleOps(out.ops, this.run.attempt, out.retryAfterMs, out.sentAt);
      if (handled || this.run.size > sizeBefore) {
        this.noProgress = 0;
        this.run.attempt = 0;
        if (this.run.retryRows.delete("")) this.ex.track(this.ex.store.unschedule(this.run.id, ""));
      } else if (++this.noProgress >= 3) {
        await this.fail(
          toError(null, `the SDK keeps answering without new steps: ${JSON.stringify(out.ops).slice(0, 300)}`),
        );
      }
    }
  }

  /**
   * One execution request, waiting (without spending attempts) while the app is unreachable.
   * `sentAt` is when it was sent, after any wait for the throttle or a concurrency slot:
   * the start of the steps it executes.
   */
  async request(
    stepId: string,
    attempt: number,
    count: number,
    disableImmediate: boolean,
  ): Promise<Outcome & { sentAt: number }> {
    let unreachableSince: number | undefined;
    let wait = 250;
    for (;;) {
      this.checkNewWork();
      if (this.run.startedAt === undefined && !this.admitted) {
        // Throttled runs stay queued (in Postgres too) until the throttle lets them start.
        await this.ex.flow.admit(this.fn().config, this.run.event, this.signal);
        this.admitted = true;
        this.checkNewWork();
      }
      const release = await this.ex.limiter.acquire(this.run.keys);
      let failure: unknown;
      try {
        this.checkNewWork();
        const fn = this.fn();
        if (this.run.startedAt === undefined) {
          this.run.startedAt = Date.now();
          this.ex.track(this.ex.store.markStarted(this.run.id, this.run.startedAt));
          this.log("started");
        }
        const url = new URL(stepUrl(fn.config));
        url.searchParams.set("stepId", stepId);
        // Checkpointing only happens on a first-attempt discovery request (the SDK's rule).
        const qi =
          this.ex.options.checkpointing && stepId === "step" && !disableImmediate && attempt === 0 ? ulid() : undefined;
        const body = this.run.body(count, attempt, maxAttempts(fn.config), disableImmediate, qi);
        this.run.checkpointQi = qi;
        const sentAt = Date.now();
        this.run.lastProgressAt = sentAt;
        try {
          return { ...classify(await this.ex.client.post(url.href, body)), sentAt };
        } finally {
          if (qi && this.run.checkpointQi === qi) this.run.checkpointQi = undefined;
        }
      } catch (err) {
        if (err instanceof Stopped || err instanceof FunctionMissing) throw err;
        failure = err;
      } finally {
        release();
      }
      if (this.ex.stopSignal.aborted || this.run.finished) throw new Stopped();
      if (failure instanceof AppUnreachable) {
        unreachableSince ??= Date.now();
        if (Date.now() - unreachableSince < this.ex.options.unreachableTimeoutMs) {
          this.ex.noteUnreachable(failure.message);
          await this.sleepUntil(Date.now() + wait);
          wait = Math.min(wait * 2, 5000);
          continue;
        }
      }
      const message = failure instanceof Error ? failure.message : String(failure);
      const error = toError(null, `request to the app failed: ${message}`);
      return { kind: "error", retriable: true, error, sentAt: Date.now() };
    }
  }

  /** Handles one discovery response's ops; returns whether the run made progress. */
  private async handleOps(ops: Op[], reqAttempt: number, retryAfterMs: number | undefined, startedAt: number) {
    const done = ops.find((op) => op.op === OpCode.RunComplete);
    if (done) {
      await this.complete(done.data);
      return true;
    }
    const seen = new Set<string>();
    const work = ops.filter((op) => {
      if (IGNORED_OPS.has(op.op) || this.run.has(op.id) || seen.has(op.id)) return false;
      seen.add(op.id);
      return true;
    });
    if (work.length === 0) return false;
    // Parallel steps: from now on the SDK only plans, the server runs each step, as
    // Inngest does once a run has gone parallel.
    if (work.length > 1 && !this.run.disableImmediate) {
      this.run.disableImmediate = true;
      this.ex.track(this.ex.store.setDisableImmediate(this.run.id));
    }
    const snapshot = this.run.size;
    await Promise.all(work.map((op) => runStep(this, op, reqAttempt, snapshot, retryAfterMs, startedAt)));
    return true;
  }

  private async functionError(out: Extract<Outcome, { kind: "error" }>): Promise<void> {
    const next = this.run.attempt + 1;
    const max = this.maxAttempts();
    if (!out.retriable || next >= max) {
      await this.fail(out.error);
      return;
    }
    const delay = backoffMs(next, this.ex.options.backoffScale, out.retryAfterMs);
    const dueAt = Date.now() + delay;
    const retry = { runId: this.run.id, stepId: "", name: null, kind: "retry" as const, dueAt, attempt: next };
    await this.ex.store.schedule({ ...retry, keepExisting: false });
    this.run.retryRows.add("");
    this.log(`function error (attempt ${next}/${max}), retrying in ${delay} ms: ${out.error.message}`);
    await this.sleepUntil(dueAt);
    this.run.attempt = next;
  }

  async complete(data: unknown): Promise<never> {
    await this.finish("completed", JSON.stringify(data ?? null), null);
    throw new Stopped();
  }

  async fail(error: SerializedError): Promise<never> {
    await this.finish("failed", null, error);
    throw new Stopped();
  }

  cancel(): Promise<void> {
    return this.finish("cancelled", null, { name: "Cancelled", message: "run cancelled" });
  }

  private async finish(status: RunStatus, output: string | null, error: SerializedError | null): Promise<void> {
    if (this.run.finished) return;
    this.run.finished = true;
    this.ctrl.abort();
    const errorJson = error ? JSON.stringify(error) : null;
    // Step rows still being written by parallel branches go first, so a finished run
    // never lacks steps it reported.
    await Promise.allSettled([...this.run.writes]);
    const changed = await this.ex.store.finishRun(this.run.id, status, output, errorJson);
    const took = Date.now() - (this.run.startedAt ?? this.run.createdAt);
    const detail = status === "failed" && error ? `: ${error.message}` : "";
    this.log(`${status} in ${took} ms (${this.run.size} steps)${detail}`);
    if (changed) this.ex.runFinished(this.run, { status, output, error: errorJson });
  }
}
