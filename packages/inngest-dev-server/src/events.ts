import type { Executor } from "./executor";
import { seededUlid, ulid } from "./ids";
import type { EventPayload } from "./protocol";
import type { Registry } from "./registry";
import type { NewEvent, NewRun, Store } from "./store";

export class BadEvent extends Error {}

/** Normalises one incoming event the way Inngest presents it to functions. */
function normalize(raw: unknown, internalId: string, now: number): EventPayload {
  if (!raw || typeof raw !== "object") throw new BadEvent("each event must be an object");
  const e = raw as Record<string, unknown>;
  if (typeof e.name !== "string" || e.name === "") throw new BadEvent("each event needs a non-empty name");
  const data = e.data && typeof e.data === "object" && !Array.isArray(e.data) ? e.data : {};
  const event: EventPayload = {
    name: e.name,
    data: data as Record<string, unknown>,
    id: typeof e.id === "string" && e.id !== "" ? e.id : internalId,
    ts: typeof e.ts === "number" ? e.ts : now,
  };
  if (e.user !== undefined) event.user = e.user;
  if (typeof e.v === "string") event.v = e.v;
  return event;
}

/**
 * Event intake: store the events and the runs they trigger in one transaction, then
 * start those runs and let waiting/cancellable runs see the events.
 */
export class EventIngest {
  constructor(
    private readonly store: Store,
    private readonly registry: Registry,
    private readonly executor: Executor,
    private readonly log: (line: string) => void,
  ) {}

  /** `seed` is the SDK's x-inngest-event-id-seed header, which makes resends idempotent. */
  async ingest(body: unknown, seed?: string): Promise<string[]> {
    const raws = Array.isArray(body) ? body : [body];
    const now = Date.now();
    const events: (NewEvent & { payload: string; parsed: EventPayload })[] = raws.map((raw, i) => {
      const id = (seed && seededUlid(seed, i)) || ulid(now);
      const parsed = normalize(raw, id, now);
      const userId = (raw as { id?: unknown }).id;
      return {
        id,
        name: parsed.name,
        idempotencyKey: typeof userId === "string" && userId !== "" ? JSON.stringify([parsed.name, userId]) : null,
        payload: JSON.stringify(parsed),
        parsed,
      };
    });
    if (events.length === 0) return [];
    let fresh: EventPayload[] = [];
    const { ids, runs } = await this.store.ingest(events, (inserted) => {
      const created: NewRun[] = [];
      fresh = events.filter((e) => inserted.has(e.id)).map((e) => e.parsed);
      for (const e of events) {
        if (!inserted.has(e.id)) continue;
        for (const fn of this.registry.match(e.parsed)) {
          // rateLimit skips the run: it is not created, the event is kept.
          if (!this.executor.flow.allowRun(fn.config, e.parsed)) {
            this.log(
              `event "${e.name}" ${e.id}: run of ${fn.config.id} skipped (${this.executor.flow.describeRateLimit(fn.config)})`,
            );
            continue;
          }
          created.push({ id: ulid(), functionId: fn.config.id, eventId: e.id, eventName: e.name, event: e.payload });
        }
      }
      return created;
    });
    for (const run of runs) this.executor.start(run);
    this.executor.onEvents(fresh);
    this.logIngest(events, fresh.length, runs.length);
    return ids;
  }

  private logIngest(events: { name: string; id: string }[], fresh: number, runs: number): void {
    const dup = events.length - fresh;
    const dupNote = dup > 0 ? ` (${dup} duplicate${dup === 1 ? "" : "s"} ignored)` : "";
    if (events.length === 1) {
      this.log(`event "${events[0].name}" ${events[0].id} -> ${runs} run(s)${dupNote}`);
      return;
    }
    const names = new Map<string, number>();
    for (const e of events) names.set(e.name, (names.get(e.name) ?? 0) + 1);
    const summary = [...names].map(([n, c]) => `${n} x${c}`).join(", ");
    this.log(`${events.length} events (${summary}) -> ${runs} run(s)${dupNote}`);
  }
}
