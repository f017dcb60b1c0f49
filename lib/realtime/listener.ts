import "server-only";
import type pg from "pg";
import { newSessionClient, onDisconnect } from "../db";

// The one LISTEN connection of this process. Triggers send hints on CHANNEL (see the
// live_updates migration): "<table id>:c" (cells), ":j" (jobs), ":t" (rows, columns, table).
// The listener hands them to the hubs (hubs.ts); after a reconnect every hub re-reads,
// because notifications sent while it was away are lost.
//
// It also offers a barrier: a notification this process sends itself. Postgres queues
// notifications in commit order and delivers them in that order, so once the barrier comes
// back, every hint of a transaction that committed before the barrier was sent has arrived.

export const CHANNEL = "glaze_changes";
/** The listener's application_name, as pg_stat_activity shows it (with the process id). */
export const LISTENER_NAME = `glaze-listener ${process.pid}`;
const BARRIER_PREFIX = "~";
/** Announces that someone's access changed (lib/realtime/access-guard.ts). */
export const ACCESS_PAYLOAD = "!access";
const BARRIER_TIMEOUT_MS = 2_000;
const MAX_BACKOFF_MS = 5_000;

export type ListenerEvents = {
  hint: (tableId: string, kind: string) => void;
  /** Someone's access changed (lib/realtime/access-guard.ts): streams check theirs again. */
  access: () => void;
  up: () => void;
  down: () => void;
};

type Barrier = { token: string; promise: Promise<boolean>; settle: (arrived: boolean) => void };

export class ChangeListener {
  private client?: pg.Client;
  private state: "stopped" | "connecting" | "up" | "down" = "stopped";
  private attempt = 0;
  private retryTimer?: NodeJS.Timeout;
  private barrierSeq = 0;
  private readonly barriers = new Map<string, Barrier>();
  private queuedBarrier?: Barrier;
  private sending = Promise.resolve();
  private readonly id = `${process.pid}.${Math.random().toString(36).slice(2, 8)}`;

  constructor(private readonly events: ListenerEvents) {}

  get isUp() {
    return this.state === "up";
  }

  start() {
    if (this.state !== "stopped") return;
    this.state = "connecting";
    void this.connect();
  }

  async stop() {
    this.state = "stopped";
    clearTimeout(this.retryTimer);
    this.failBarriers();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  /**
   * Resolves true once every hint of the transactions committed before the call has been
   * handed to the hubs; false when that cannot be known (the listener is down or slow).
   */
  barrier(): Promise<boolean> {
    if (this.state !== "up") return Promise.resolve(false);
    // Callers in the same tick share one barrier; one already sent may predate them.
    if (this.queuedBarrier) return this.queuedBarrier.promise;
    const token = `${BARRIER_PREFIX}${this.id}.${++this.barrierSeq}`;
    let settle!: (arrived: boolean) => void;
    const promise = new Promise<boolean>((resolve) => {
      settle = resolve;
    });
    const barrier: Barrier = { token, promise, settle };
    this.queuedBarrier = barrier;
    this.barriers.set(token, barrier);
    const timer = setTimeout(() => this.settleBarrier(token, false), BARRIER_TIMEOUT_MS);
    void promise.then(() => clearTimeout(timer));
    setImmediate(() => {
      // One statement at a time on the session: callers until it is sent share this barrier.
      this.sending = this.sending.then(async () => {
        if (this.queuedBarrier === barrier) this.queuedBarrier = undefined;
        const client = this.client;
        if (!client || this.state !== "up") return this.settleBarrier(token, false);
        await client.query("SELECT pg_notify($1, $2)", [CHANNEL, token]).catch(() => this.settleBarrier(token, false));
      });
    });
    return promise;
  }

  private async connect() {
    const client = newSessionClient({ name: LISTENER_NAME });
    this.client = client;
    client.on("notification", (message) => {
      if (message.channel === CHANNEL && message.payload) this.onPayload(message.payload);
    });
    // An error or end of the session: the hubs fall back to reading on a timer until it is back.
    client.on("error", () => this.lost(client));
    client.on("end", () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch {
      this.lost(client);
      return;
    }
    if (this.client !== client || this.state === "stopped") {
      await client.end().catch(() => {});
      return;
    }
    this.attempt = 0;
    this.state = "up";
    this.events.up();
  }

  private lost(client: pg.Client) {
    if (this.client !== client || this.state === "stopped") return;
    this.client = undefined;
    client.end().catch(() => {});
    const wasUp = this.state === "up";
    this.state = "down";
    this.failBarriers();
    if (wasUp) this.events.down();
    const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** this.attempt++) * (0.75 + Math.random() / 2);
    this.retryTimer = setTimeout(() => {
      if (this.state === "down") void this.connect();
    }, delay);
  }

  private onPayload(payload: string) {
    if (payload.startsWith(BARRIER_PREFIX)) return this.settleBarrier(payload, true);
    if (payload === ACCESS_PAYLOAD) return this.events.access();
    const colon = payload.indexOf(":");
    if (colon === -1) return;
    const tableId = payload.slice(0, colon);
    for (const kind of payload.slice(colon + 1)) this.events.hint(tableId, kind);
  }

  private settleBarrier(token: string, arrived: boolean) {
    const barrier = this.barriers.get(token);
    if (!barrier) return;
    this.barriers.delete(token);
    if (this.queuedBarrier === barrier) this.queuedBarrier = undefined;
    barrier.settle(arrived);
  }

  private failBarriers() {
    for (const token of [...this.barriers.keys()]) this.settleBarrier(token, false);
  }
}

type Cache = { glazeChangeListener?: ChangeListener };
const cache = globalThis as unknown as Cache;

/** The process's listener, started on first use with the hubs' handlers. */
export function changeListener(events: ListenerEvents): ChangeListener {
  if (!cache.glazeChangeListener) {
    const listener = new ChangeListener(events);
    cache.glazeChangeListener = listener;
    listener.start();
    // Tests and scripts end the database clients with disconnectDb(); the listener goes too.
    onDisconnect(async () => {
      if (cache.glazeChangeListener === listener) cache.glazeChangeListener = undefined;
      await listener.stop();
    });
  }
  return cache.glazeChangeListener;
}
