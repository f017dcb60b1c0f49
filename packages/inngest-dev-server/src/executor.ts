import type { AppClient } from "./app-client";
import { concurrencyKeys, Limiter } from "./concurrency";
import type { DbHealth } from "./db-health";
import { type PendingRetry, RunDriver } from "./driver";
import { EventWaiters } from "./event-waiters";
import { FlowControl } from "./flow-control";
import { ulid } from "./ids";
import { type EventPayload, FUNCTION_FAILED_EVENT, FUNCTION_INVOKED_EVENT } from "./protocol";
import type { FnEntry, Registry } from "./registry";
import { loadUnfinished, restoreRun } from "./resume";
import { RunState } from "./run-state";
import { type FinishedRun, type NewRun, type Store, UNFINISHED } from "./store";
import { Stopped, sleepUntil } from "./timers";

export interface ExecutorOptions {
  maxInFlight: number;
  backoffScale: number;
  /** How long a run waits for an app that refuses connections before failing. */
  unreachableTimeoutMs: number;
  /** Let the SDK run consecutive steps in one request, reporting each to /v1/checkpoint. */
  checkpointing: boolean;
}

/** Owns every unfinished run's driver, plus what runs wait on: events and other runs. */
export class Executor {
  readonly limiter: Limiter;
  /** throttle (runs wait to start) and rateLimit (runs are skipped). */
  readonly flow: FlowControl;
  private readonly events: EventWaiters;
  readonly stopSignal: AbortSignal;
  /** Set while stopping: in-flight requests finish, no new ones start. */
  draining = false;
  /**
   * Bumped each time the database goes away. Drivers of an older epoch are winding
   * down: requests already in flight finish and their results are kept, nothing new
   * starts, and the run is reloaded from the database once it is back.
   */
  epoch = 0;
  /** True from a database outage until its runs have been reloaded. */
  suspended = false;
  /** Reports database errors (wired up by the server); true = an outage, being dealt with. */
  health: Pick<DbHealth, "report"> = { report: () => false };
  private suspendCtrl = new AbortController();
  /** Runs reloaded while their old driver was still finishing a request: resumed when it exits. */
  private readonly resumeWhenExited = new Set<string>();
  /** Sends internal events (inngest/function.failed); wired up by the server. */
  emit: (events: Omit<EventPayload, "id" | "ts">[]) => Promise<unknown> = async () => {};
  private readonly stopCtrl = new AbortController();
  private readonly drivers = new Map<string, RunDriver>();
  private readonly running = new Set<Promise<void>>();
  private readonly runWaiters = new Map<string, Set<(r: FinishedRun) => void>>();
  private readonly background = new Set<Promise<unknown>>();
  private lastUnreachableLog = 0;
  private readonly warned = new Set<string>();

  constructor(
    readonly store: Store,
    readonly registry: Registry,
    readonly client: AppClient,
    readonly log: (line: string) => void,
    readonly options: ExecutorOptions,
  ) {
    this.limiter = new Limiter(options.maxInFlight);
    this.flow = new FlowControl(log);
    this.events = new EventWaiters(registry, (p) => this.track(p));
    this.stopSignal = this.stopCtrl.signal;
  }

  stats() {
    return { activeRuns: this.drivers.size, ...this.limiter.stats(), throttled: this.flow.throttled() };
  }

  private warnOnce(line: string): void {
    if (this.warned.has(line)) return;
    this.warned.add(line);
    this.log(line);
  }

  /** Runs wait (without spending attempts) while an app is down; say so every 30 s at most. */
  noteUnreachable(detail: string): void {
    if (Date.now() - this.lastUnreachableLog < 30_000) return;
    this.lastUnreachableLog = Date.now();
    this.log(`app unreachable (${detail}); runs are waiting for it`);
  }

  /** Aborts with the database: what drivers of the current epoch wait on. */
  get suspendSignal(): AbortSignal {
    return this.suspendCtrl.signal;
  }

  /** Fire-and-forget writes whose failure must not break a run, awaited on shutdown. */
  track(p: Promise<unknown>): void {
    const tracked = p.catch((err) => {
      if (this.stopSignal.aborted || this.health.report(err)) return;
      this.log(`background write failed: ${(err as Error).message}`);
    });
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }

  /** Drives a newly stored run. During an outage it waits in the database for the reload. */
  start(run: NewRun): void {
    if (this.suspended) return;
    const state = new RunState(run.id, run.functionId, run.event, Date.now(), run.parentRunId ?? null);
    this.launch(state, new Map(), false);
  }

  /**
   * Picks up every unfinished run (or those of `only`) from its memoized steps: at
   * startup, and when the database is back after an outage. A run never gets two
   * drivers: one whose old driver is still finishing a request resumes when it exits.
   */
  async resumeAll(only?: string[]): Promise<number> {
    const epoch = this.epoch;
    const runs = await loadUnfinished(this.store.pool, only);
    if (this.epoch !== epoch) return 0; // gone again while loading; the next reload does it
    let resumed = 0;
    for (const r of runs) {
      const live = this.drivers.get(r.id);
      if (live) {
        if (live.epoch !== epoch) this.resumeWhenExited.add(r.id);
        continue;
      }
      const { state, pending } = restoreRun(r);
      this.launch(state, pending, true);
      resumed++;
    }
    if (resumed > 0 && !only) this.log(`resuming ${resumed} unfinished run(s)`);
    return resumed;
  }

  /** The database went away: runs stop where they are (nothing is marked failed). */
  suspend(): void {
    this.epoch++;
    this.suspended = true;
    this.suspendCtrl.abort();
    this.limiter.rejectAll(new Stopped());
  }

  /** The database is back: store results kept from the outage, then reload every unfinished run. */
  async recover(): Promise<void> {
    const kept = await this.store.steps.flushRetained();
    if (kept > 0) this.log(`stored ${kept} step result(s) that arrived during the outage`);
    this.suspended = false;
    this.suspendCtrl = new AbortController();
    await this.resumeAll();
  }

  private launch(state: RunState, pending: Map<string, PendingRetry>, resumed: boolean): void {
    if (this.drivers.has(state.id)) return;
    const fn = this.registry.get(state.fnId);
    if (fn) state.keys = concurrencyKeys(fn.config, state.event, (msg) => this.warnOnce(msg));
    const driver = new RunDriver(this, state, pending, resumed);
    this.drivers.set(state.id, driver);
    const done: Promise<void> = driver.main().finally(() => {
      this.drivers.delete(state.id);
      this.running.delete(done);
      if (this.resumeWhenExited.delete(state.id) && !this.suspended && !this.stopSignal.aborted) {
        this.resumeAll([state.id]).catch((err) => {
          if (!this.health.report(err)) this.log(`run ${state.id}: resuming failed: ${(err as Error).message}`);
        });
      }
    });
    this.running.add(done);
  }

  /** Resolves waitForEvent steps and cancels runs (`cancelOn`) for newly stored events. */
  onEvents(events: EventPayload[]): void {
    this.events.onEvents(events, this.drivers.values());
  }

  driver(runId: string): RunDriver | undefined {
    return this.drivers.get(runId);
  }

  async cancel(runId: string): Promise<boolean> {
    const driver = this.drivers.get(runId);
    if (driver) {
      await driver.cancel();
      return true;
    }
    return this.store.finishRun(
      runId,
      "cancelled",
      null,
      JSON.stringify({ name: "Cancelled", message: "run cancelled" }),
    );
  }

  /**
   * Rerun: a new run of the same function with the same event, like the real dev
   * server's button. rateLimit does not apply (as in Inngest); throttle and concurrency do.
   */
  async rerun(runId: string): Promise<{ runId: string } | { status: 404 | 409; error: string }> {
    const origin = await this.store.runOrigin(runId);
    if (!origin) return { status: 404, error: "run not found" };
    if (UNFINISHED.includes(origin.status)) return { status: 409, error: "the run has not finished: cancel it first" };
    if (!this.registry.get(origin.functionId)) {
      return { status: 409, error: `function "${origin.functionId}" is not registered (was it removed from the app?)` };
    }
    const { status: _, ...rest } = origin;
    const run: NewRun = { ...rest, id: ulid(), rerunOf: runId };
    await this.store.insertRun(run);
    this.log(`run ${run.id} ${run.functionId}: rerun of ${runId}`);
    this.start(run);
    return { runId: run.id };
  }

  /** Resolves with the matching event, or null at `due` (the step's timeout). */
  waitForEvent(driver: RunDriver, name: string, expr: string | undefined, due: number) {
    return this.events.waitFor(driver, name, expr, due);
  }

  /** Starts an invoked run once per (parent run, step); returns its id. */
  async startChild(parent: RunState, stepId: string, target: FnEntry, payload: { data?: unknown; v?: string }) {
    const event: EventPayload = {
      name: FUNCTION_INVOKED_EVENT,
      data: { ...((payload.data as Record<string, unknown>) ?? {}) },
      id: ulid(),
      ts: Date.now(),
      ...(payload.v ? { v: payload.v } : {}),
    };
    const run: NewRun = {
      id: ulid(),
      functionId: target.config.id,
      eventId: null,
      eventName: event.name,
      event: JSON.stringify(event),
      parentRunId: parent.id,
      parentStepId: stepId,
    };
    const id = await this.store.insertChildRun(run);
    if (id === run.id) this.start(run);
    return id;
  }

  /** Resolves when the run finishes (or "timeout" at `due`); rejects with Stopped on `signal`. */
  waitForRun(runId: string, signal?: AbortSignal, due?: number): Promise<FinishedRun | "timeout"> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new Stopped());
      const timer = new AbortController();
      const set = this.runWaiters.get(runId) ?? new Set();
      this.runWaiters.set(runId, set);
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        set.delete(onDone);
        if (set.size === 0) this.runWaiters.delete(runId);
        // The caller's signal outlives this wait (a run invoking many children): a listener
        // left on it per wait piled up (MaxListenersExceededWarning).
        signal?.removeEventListener("abort", onAbort);
        timer.abort();
        fn();
      };
      const onAbort = () => settle(() => reject(new Stopped()));
      const onDone = (r: FinishedRun) => settle(() => resolve(r));
      set.add(onDone);
      const signals = signal ? [timer.signal, signal] : [timer.signal];
      if (due !== undefined) {
        sleepUntil(due, AbortSignal.any(signals)).then(
          () => settle(() => resolve("timeout")),
          () => {},
        );
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      if (!this.drivers.has(runId)) {
        this.store.runResult(runId).then(
          (r) => {
            if (!r)
              settle(() =>
                resolve({ status: "failed", output: null, error: '{"name":"Error","message":"run not found"}' }),
              );
            else if (r.status !== "queued" && r.status !== "running") settle(() => resolve(r));
          },
          (err) => settle(() => reject(err)),
        );
      }
    });
  }

  /** Called by a driver once its run's final state is stored. */
  runFinished(run: RunState, result: FinishedRun): void {
    for (const waiter of [...(this.runWaiters.get(run.id) ?? [])]) waiter(result);
    if (result.status === "failed" && !run.fnId.endsWith("-failure")) {
      // What `onFailure` handlers trigger on (their trigger filters on function_id).
      const data = {
        function_id: run.fnId,
        run_id: run.id,
        error: JSON.parse(result.error ?? "null"),
        event: run.event,
      };
      this.track(this.emit([{ name: FUNCTION_FAILED_EVENT, data }]));
    }
  }

  /**
   * Graceful: stop starting requests, let in-flight ones finish and be stored (up to
   * `timeoutMs`), then abort. Not graceful: abort at once, like a killed process.
   */
  async stop(graceful: boolean, timeoutMs: number): Promise<void> {
    this.draining = true;
    if (graceful) {
      const deadline = Date.now() + timeoutMs;
      while (this.limiter.stats().inFlight > 0 && Date.now() < deadline) await delay(20);
      // Let responses that just arrived reach their step writes.
      await delay(50);
      await this.store.steps.drain().catch(() => {});
    }
    this.stopCtrl.abort();
    this.limiter.rejectAll(new Stopped());
    this.client.destroy();
    await Promise.allSettled([...this.running]);
    await Promise.allSettled([...this.background]);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
