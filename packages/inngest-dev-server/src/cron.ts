import { Cron } from "croner";
import { fireCron, syncCrons } from "./cron-store";
import type { DbHealth } from "./db-health";
import type { Executor } from "./executor";
import { ulid } from "./ids";
import { type EventPayload, SCHEDULED_TIMER_EVENT } from "./protocol";
import type { Registry } from "./registry";
import type { Store } from "./store";

// Cron triggers. Each (function, expression) has a row in `crons` holding its next due
// time. Firing a slot moves that row on and stores the event and the run in one
// transaction, guarded by the due time it read (compare-and-set), and the event carries
// an idempotency key per (function, expression, slot): a slot starts at most one run,
// across restarts and even with two servers on one database. Like Inngest, slots missed
// while no server ran are not caught up (beyond a minute's grace).

/** How late a slot may still fire (a restart around its time); older slots are skipped. */
const GRACE_MS = 60_000;

/**
 * `[TZ=Area/City ]<5 or 6 fields>` (Inngest accepts `TZ=` and `CRON_TZ=` prefixes; without
 * one, UTC). A sixth, leading seconds field is this server's extension, handy in tests.
 */
export function parseCron(expression: string): Cron {
  const m = /^(?:CRON_)?TZ=(\S+)\s+(.*)$/.exec(expression.trim());
  const [timezone, pattern] = m ? [m[1], m[2]] : ["UTC", expression.trim()];
  if (pattern.startsWith("@")) throw new Error(`"${expression}": descriptors like @daily are not supported`);
  // sloppyRanges: Inngest's parser reads "5/10" as "5-59/10".
  return new Cron(pattern, { timezone, paused: true, mode: "5-or-6-parts", sloppyRanges: true });
}

/** The first slot strictly after `from` (ms), or undefined if the expression never fires again. */
export function nextSlot(expression: string | Cron, from: number): number | undefined {
  const cron = typeof expression === "string" ? parseCron(expression) : expression;
  return cron.nextRun(new Date(from))?.getTime();
}

interface Entry {
  fnId: string;
  expression: string;
  cron: Cron;
  nextAt: number;
}

export class CronScheduler {
  private entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private firing: Promise<void> | undefined;
  private readonly warned = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly registry: Registry,
    private readonly executor: Executor,
    private readonly health: Pick<DbHealth, "report">,
    private readonly log: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Loads the schedule for the registered functions; call again whenever they change. */
  async reconcile(): Promise<void> {
    const wanted = new Map<string, { fnId: string; expression: string; cron: Cron }>();
    for (const fn of this.registry.all()) {
      for (const t of fn.config.triggers ?? []) {
        if (!t.cron) continue;
        try {
          wanted.set(key(fn.config.id, t.cron), { fnId: fn.config.id, expression: t.cron, cron: parseCron(t.cron) });
        } catch (err) {
          this.warnOnce(
            `${fn.config.id}:${t.cron}`,
            `${fn.config.id}: cron "${t.cron}" ignored: ${(err as Error).message}`,
          );
        }
      }
    }
    const now = this.now();
    const rows = await syncCrons(
      this.store,
      [...wanted.values()].map((w) => ({ fnId: w.fnId, expression: w.expression, nextAt: nextSlot(w.cron, now) })),
    );
    const entries = new Map<string, Entry>();
    for (const r of rows) {
      const w = wanted.get(key(r.fnId, r.expression));
      if (w) entries.set(key(r.fnId, r.expression), { ...w, nextAt: r.nextAt });
    }
    this.entries = entries;
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private arm(delayMs?: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stopped || this.entries.size === 0) return;
    const next = Math.min(...[...this.entries.values()].map((e) => e.nextAt));
    const wait = delayMs ?? Math.max(0, next - this.now());
    this.timer = setTimeout(
      () => {
        this.firing ??= this.fireDue().finally(() => {
          this.firing = undefined;
        });
      },
      Math.min(wait, 2 ** 31 - 1),
    );
  }

  private async fireDue(): Promise<void> {
    const now = this.now();
    try {
      for (const entry of [...this.entries.values()]) {
        if (entry.nextAt <= now) await this.fire(entry, now);
      }
      this.arm();
    } catch (err) {
      // Database away (or a bug): try again shortly; the slot is still due in the table.
      if (!this.health.report(err)) this.log(`cron: firing failed: ${(err as Error).message}`);
      this.arm(1000);
    }
  }

  private async fire(entry: Entry, now: number): Promise<void> {
    const slot = entry.nextAt;
    const following = nextSlot(entry.cron, Math.max(slot, now - 1));
    const late = now - slot > GRACE_MS;
    const fn = this.registry.get(entry.fnId);
    const event: EventPayload = {
      name: SCHEDULED_TIMER_EVENT,
      data: { cron: entry.expression, scheduledAt: new Date(slot).toISOString() },
      id: ulid(now),
      ts: now,
    };
    const run =
      late || !fn || !this.executor.flow.allowRun(fn.config, event)
        ? undefined
        : {
            id: ulid(),
            functionId: entry.fnId,
            eventId: event.id,
            eventName: event.name,
            event: JSON.stringify(event),
          };
    const result = await fireCron(this.store, {
      fnId: entry.fnId,
      expression: entry.expression,
      slot,
      nextAt: following,
      event: late ? undefined : { id: event.id, name: event.name, payload: JSON.stringify(event) },
      run,
    });
    if (result.nextAt === undefined) this.entries.delete(key(entry.fnId, entry.expression));
    else entry.nextAt = result.nextAt;
    if (!result.fired) return; // another server fired it, or the schedule changed meanwhile
    if (late) {
      this.log(`cron "${entry.expression}" of ${entry.fnId}: slot ${new Date(slot).toISOString()} missed, skipped`);
      return;
    }
    if (run) this.executor.start(run);
    else this.log(`cron "${entry.expression}" of ${entry.fnId}: run skipped (rateLimit)`);
    this.executor.onEvents([event]);
    this.log(`cron "${entry.expression}" ${new Date(slot).toISOString()} -> ${run ? `run ${run.id}` : "no run"}`);
  }

  private warnOnce(k: string, line: string): void {
    if (this.warned.has(k)) return;
    this.warned.add(k);
    this.log(line);
  }
}

function key(fnId: string, expression: string): string {
  return `${fnId}\u0000${expression}`;
}
