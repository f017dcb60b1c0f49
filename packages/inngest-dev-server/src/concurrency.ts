import { evaluate } from "./expr";
import type { ConcurrencyOption, FunctionConfig } from "./protocol";

export interface SlotKey {
  key: string;
  limit: number;
}

/**
 * The concurrency keys one request of a run must hold. Like Inngest, a limit counts
 * executing requests (steps), so a sleeping or waiting run holds nothing. `scope: "fn"`
 * keys are private to the function; `env`/`account` keys are shared by every function
 * whose key expression evaluates to the same value.
 */
export function concurrencyKeys(config: FunctionConfig, event: unknown, warn: (msg: string) => void): SlotKey[] {
  const raw = config.concurrency;
  if (raw === undefined || raw === null) return [];
  const options: ConcurrencyOption[] = typeof raw === "number" ? [{ limit: raw }] : Array.isArray(raw) ? raw : [raw];
  const keys: SlotKey[] = [];
  for (const opt of options) {
    if (!(opt.limit > 0)) continue;
    const scope = opt.scope ?? "fn";
    let value = "";
    if (opt.key) {
      try {
        const v = evaluate(opt.key, { event });
        value = v === undefined || v === null ? "" : typeof v === "string" ? v : JSON.stringify(v);
      } catch (err) {
        warn(
          `${config.id}: concurrency key "${opt.key}" not supported (${(err as Error).message}); using one shared key`,
        );
      }
    }
    const key = scope === "fn" || !opt.key ? `fn:${config.id}:${opt.key ?? ""}:${value}` : `${scope}:${value}`;
    keys.push({ key, limit: opt.limit });
  }
  return keys;
}

class Queue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;
  get size(): number {
    return this.items.length - this.head;
  }
  push(item: T): void {
    this.items.push(item);
  }
  peek(): T | undefined {
    return this.items[this.head];
  }
  shift(): T | undefined {
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
  drain(): T[] {
    const rest = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return rest;
  }
}

interface Waiter {
  grant: (release: () => void) => void;
  reject: (err: unknown) => void;
}

interface Group {
  keys: SlotKey[];
  waiters: Queue<Waiter>;
}

/**
 * Grants request slots under a global in-flight cap plus per-key limits. Waiters are
 * grouped by their key set, FIFO within a group, so a release costs O(groups), not
 * O(waiters), even with thousands of queued requests.
 */
export class Limiter {
  private inFlight = 0;
  private counts = new Map<string, number>();
  private groups = new Map<string, Group>();
  private queued = 0;

  constructor(private readonly maxInFlight: number) {}

  stats(): { inFlight: number; queued: number } {
    return { inFlight: this.inFlight, queued: this.queued };
  }

  acquire(keys: SlotKey[]): Promise<() => void> {
    const sig = keys.map((k) => `${k.key}\u0000${k.limit}`).join("\u0001");
    const group = this.groups.get(sig);
    if (!group && this.fits(keys)) return Promise.resolve(this.take(keys));
    return new Promise((grant, reject) => {
      let g = group;
      if (!g) {
        g = { keys, waiters: new Queue() };
        this.groups.set(sig, g);
      }
      g.waiters.push({ grant, reject });
      this.queued++;
    });
  }

  /** Fails every queued request (server shutting down). */
  rejectAll(err: unknown): void {
    for (const group of this.groups.values()) for (const w of group.waiters.drain()) w.reject(err);
    this.groups.clear();
    this.queued = 0;
  }

  private fits(keys: SlotKey[]): boolean {
    if (this.inFlight >= this.maxInFlight) return false;
    for (const k of keys) if ((this.counts.get(k.key) ?? 0) >= k.limit) return false;
    return true;
  }

  private take(keys: SlotKey[]): () => void {
    this.inFlight++;
    for (const k of keys) this.counts.set(k.key, (this.counts.get(k.key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      for (const k of keys) {
        const n = (this.counts.get(k.key) ?? 1) - 1;
        if (n === 0) this.counts.delete(k.key);
        else this.counts.set(k.key, n);
      }
      this.dispatch();
    };
  }

  private dispatch(): void {
    // Visit each existing group once; groups re-appended below come after all of them.
    let remaining = this.groups.size;
    for (const [sig, group] of this.groups) {
      if (remaining-- <= 0 || this.inFlight >= this.maxInFlight) return;
      let served = false;
      while (group.waiters.size > 0 && this.fits(group.keys)) {
        const waiter = group.waiters.shift() as Waiter;
        this.queued--;
        served = true;
        waiter.grant(this.take(group.keys));
      }
      if (group.waiters.size === 0) this.groups.delete(sig);
      else if (served) {
        // A served group goes to the back so groups take turns for the global cap.
        this.groups.delete(sig);
        this.groups.set(sig, group);
      }
    }
  }
}
