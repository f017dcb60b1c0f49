import { evaluate } from "./expr";
import { dueAt, type FunctionConfig } from "./protocol";
import { Stopped } from "./timers";

// `throttle` and `rateLimit`, as Inngest implements them: both are GCRA limits on run
// STARTS per function and key (steps are never limited).
// - throttle: excess runs wait (FIFO per key) and start as capacity frees; never dropped.
//   A bucket of `limit + burst` starts, regaining one every `period / limit`
//   (Inngest's constraint API: maxBurst = limit + burst - 1).
// - rateLimit: excess runs are skipped (not created). Inngest's bucket holds
//   `floor(limit / 10) + 1` starts and regains one every `period / limit`; a key that
//   evaluates to false is not limited.
// The buckets live in memory: a restart forgets them (queued runs stay queued in
// Postgres and go through the throttle again).

/** A GCRA bucket per key: `capacity` starts at once, one more every `emissionMs`. */
export class Gcra {
  private tat = new Map<string, number>();

  /** How many ms until `key` has a start free (0 = now). */
  wait(key: string, now: number, emissionMs: number, capacity: number): number {
    const tat = Math.max(this.tat.get(key) ?? now, now);
    return Math.max(0, Math.ceil(tat + emissionMs - capacity * emissionMs - now));
  }

  /** Takes a start for `key` if one is free: returns 0, or how many ms until one is. */
  take(key: string, now: number, emissionMs: number, capacity: number): number {
    const wait = this.wait(key, now, emissionMs, capacity);
    if (wait > 0) return wait;
    this.tat.set(key, Math.max(this.tat.get(key) ?? now, now) + emissionMs);
    if (this.tat.size > 10_000) for (const [k, t] of this.tat) if (t < now) this.tat.delete(k);
    return 0;
  }
}

interface Limit {
  limit: number;
  periodMs: number;
  burst: number;
  key?: string;
}

function parseLimit(raw: unknown): Limit | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const o = raw as { limit?: unknown; period?: unknown; burst?: unknown; key?: unknown };
  const periodMs = typeof o.period === "string" ? dueAt(o.period, 0) : Number.NaN;
  if (!(periodMs > 0)) throw new Error(`period "${o.period}" is not a duration`);
  // Inngest normalises a zero limit to 1.
  const limit = typeof o.limit === "number" && o.limit >= 1 ? Math.floor(o.limit) : 1;
  const burst = typeof o.burst === "number" && o.burst > 0 ? Math.floor(o.burst) : 0;
  return { limit, periodMs, burst, key: typeof o.key === "string" && o.key !== "" ? o.key : undefined };
}

/** A key expression's value as Inngest formats it (Go's %v); a missing value is false. */
function keyString(value: unknown): string {
  if (value === undefined || value === null) return "false";
  return typeof value === "string" ? value : JSON.stringify(value);
}

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface Queue {
  waiters: Waiter[];
  timer?: NodeJS.Timeout;
  emissionMs: number;
  capacity: number;
}

export class FlowControl {
  private readonly throttles = new Gcra();
  private readonly rates = new Gcra();
  private readonly queues = new Map<string, Queue>();
  private readonly warned = new Set<string>();

  constructor(private readonly log: (line: string) => void) {}

  /**
   * rateLimit: whether a run of `config` for `event` may be created now. A false answer
   * has used no capacity; a true one has.
   */
  allowRun(config: FunctionConfig, event: unknown, now = Date.now()): boolean {
    const limit = this.limitOf(config, "rateLimit");
    if (!limit) return true;
    let key = config.id;
    if (limit.key) {
      const value = this.keyValue(config, "rateLimit", limit.key, event);
      if (value === false || value === undefined) return true;
      key += `\u0000${keyString(value)}`;
    }
    return this.rates.take(key, now, limit.periodMs / limit.limit, Math.floor(limit.limit / 10) + 1) === 0;
  }

  /** Describes the rate limit, for the "skipped" log line. */
  describeRateLimit(config: FunctionConfig): string {
    const l = config.rateLimit as { limit?: number; period?: string; key?: string } | undefined;
    return `rateLimit ${l?.limit}/${l?.period}${l?.key ? ` per ${l.key}` : ""}`;
  }

  /**
   * throttle: resolves when a run of `config` for `event` may start; FIFO per key.
   * Rejects with Stopped when `signal` aborts (the run was cancelled or the server stops).
   */
  async admit(config: FunctionConfig, event: unknown, signal: AbortSignal): Promise<void> {
    const limit = this.limitOf(config, "throttle");
    if (!limit) return;
    const key = `${config.id}\u0000${limit.key ? keyString(this.keyValue(config, "throttle", limit.key, event)) : ""}`;
    let queue = this.queues.get(key);
    const emissionMs = limit.periodMs / limit.limit;
    const capacity = limit.limit + limit.burst;
    if (!queue) {
      if (this.throttles.take(key, Date.now(), emissionMs, capacity) === 0) return;
      queue = { waiters: [], emissionMs, capacity };
      this.queues.set(key, queue);
      this.arm(key, queue);
    }
    if (signal.aborted) throw new Stopped();
    const q = queue;
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        q.waiters = q.waiters.filter((w) => w !== waiter);
        if (q.waiters.length === 0) this.drop(key, q);
        reject(new Stopped());
      };
      const waiter: Waiter = {
        resolve: () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        },
        reject,
      };
      q.waiters.push(waiter);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Runs waiting for throttle capacity, for the stats line. */
  throttled(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.waiters.length;
    return n;
  }

  private pump(key: string, queue: Queue): void {
    queue.timer = undefined;
    while (queue.waiters.length > 0) {
      if (this.throttles.take(key, Date.now(), queue.emissionMs, queue.capacity) > 0) {
        this.arm(key, queue);
        return;
      }
      queue.waiters.shift()?.resolve();
    }
    this.drop(key, queue);
  }

  private arm(key: string, queue: Queue): void {
    const wait = this.throttles.wait(key, Date.now(), queue.emissionMs, queue.capacity);
    queue.timer = setTimeout(() => this.pump(key, queue), Math.max(1, wait));
  }

  private drop(key: string, queue: Queue): void {
    if (queue.timer) clearTimeout(queue.timer);
    if (this.queues.get(key) === queue) this.queues.delete(key);
  }

  private limitOf(config: FunctionConfig, option: "throttle" | "rateLimit"): Limit | undefined {
    try {
      return parseLimit(config[option]);
    } catch (err) {
      this.warnOnce(`${config.id}:${option}`, `${config.id}: ${option} ignored: ${(err as Error).message}`);
      return undefined;
    }
  }

  private keyValue(config: FunctionConfig, option: string, expr: string, event: unknown): unknown {
    try {
      return evaluate(expr, { event });
    } catch (err) {
      this.warnOnce(
        `${config.id}:${option}:key`,
        `${config.id}: ${option} key "${expr}" not supported (${(err as Error).message}); using one shared key`,
      );
      return "";
    }
  }

  private warnOnce(key: string, line: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.log(line);
  }
}
