import type { RunDriver } from "./driver";
import { dueAt, type EventPayload } from "./protocol";
import type { FnEntry, Registry } from "./registry";
import { sleepUntil } from "./timers";

interface EventWaiter {
  driver: RunDriver;
  expr: string | undefined;
  resolve: (event: EventPayload) => void;
}

/** What runs wait on in incoming events: `step.waitForEvent` matches and `cancelOn`. */
export class EventWaiters {
  private readonly waiters = new Map<string, Set<EventWaiter>>();

  constructor(
    private readonly registry: Registry,
    /** Runs a background write (a cancellation) whose failure must not break ingestion. */
    private readonly track: (p: Promise<unknown>) => void,
  ) {}

  /** Resolves waitForEvent steps and cancels runs (`cancelOn`) for newly stored events. */
  onEvents(events: EventPayload[], drivers: Iterable<RunDriver>): void {
    const live = [...drivers];
    for (const event of events) {
      const waiters = this.waiters.get(event.name);
      for (const w of waiters ? [...waiters] : []) {
        const fn = this.registry.get(w.driver.run.fnId);
        if (!w.expr || (fn && this.registry.test(fn, w.expr, { event: w.driver.run.event, async: event }))) {
          w.resolve(event);
        }
      }
      for (const fn of this.registry.cancelledBy(event.name)) this.cancelMatching(fn, event, live);
    }
  }

  private cancelMatching(fn: FnEntry, event: EventPayload, drivers: RunDriver[]): void {
    for (const c of fn.config.cancel ?? []) {
      if (c.event !== event.name) continue;
      for (const driver of drivers) {
        const run = driver.run;
        if (run.fnId !== fn.config.id || run.finished) continue;
        if (c.timeout && Date.now() > safeDueAt(c.timeout, run.createdAt)) continue;
        if (c.if && !this.registry.test(fn, c.if, { event: run.event, async: event })) continue;
        driver.log(`cancelled by event "${event.name}"`);
        this.track(driver.cancel());
      }
    }
  }

  /** Resolves with the matching event, or null at `due` (the step's timeout). */
  waitFor(driver: RunDriver, name: string, expr: string | undefined, due: number) {
    return new Promise<EventPayload | null>((resolve, reject) => {
      const timer = new AbortController();
      const set = this.waiters.get(name) ?? new Set<EventWaiter>();
      this.waiters.set(name, set);
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        set.delete(waiter);
        if (set.size === 0) this.waiters.delete(name);
        timer.abort();
        fn();
      };
      const waiter: EventWaiter = { driver, expr, resolve: (event) => settle(() => resolve(event)) };
      set.add(waiter);
      sleepUntil(due, AbortSignal.any([timer.signal, driver.signal])).then(
        () => settle(() => resolve(null)),
        (err) => settle(() => reject(err)),
      );
    });
  }
}

function safeDueAt(spec: string, from: number): number {
  try {
    return dueAt(spec, from);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
