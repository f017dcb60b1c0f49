import "server-only";
import { getDb, onDisconnect } from "../db";
import { env } from "../env";
import { accessChanged } from "./access-guard";
import { flushCellHints } from "./cell-hints";
import { changeListener } from "./listener";
import { encodeEvents, sseEvent } from "./sse";
import { pruneTableChanges } from "./table-changes";
import { TableHub } from "./table-hub";

// The hubs of this process, one per table that has streams or recent polls, fed by the
// process's one listener. Without the listener (database unreachable, reconnecting) hubs with
// streams read on a timer instead, and after it is back every hub reads once more.

const UNLISTENED_READ_MS = 1_000;
const IDLE_HUB_MS = 60_000;
/** table_changes entries live this long; a stream further behind reloads the table. */
const KEEP_CHANGES_SECONDS = 24 * 3600;
const PRUNE_EVERY_MS = 10 * 60_000;

class Hubs {
  readonly hubs = new Map<string, TableHub>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly listener = changeListener({
    hint: (tableId, kind) => this.hubs.get(tableId)?.hint(kind),
    access: accessChanged,
    up: () => {
      for (const hub of this.hubs.values()) hub.resync();
    },
    down: () => {},
  });

  constructor() {
    const every = (ms: number, fn: () => void) => {
      const timer = setInterval(fn, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(env.sseHeartbeatMs, () => {
      const beat = encodeEvents(sseEvent("heartbeat", JSON.stringify({ at: new Date().toISOString() })));
      for (const hub of this.hubs.values()) hub.broadcast(beat);
    });
    every(UNLISTENED_READ_MS, () => {
      if (this.listener.isUp) return;
      for (const hub of this.hubs.values()) if (hub.clients > 0) hub.resync();
    });
    every(IDLE_HUB_MS / 2, () => {
      for (const [tableId, hub] of this.hubs) {
        if (hub.idle && Date.now() - hub.lastUsed > IDLE_HUB_MS) {
          hub.close();
          this.hubs.delete(tableId);
        }
      }
    });
    every(PRUNE_EVERY_MS * (0.9 + Math.random() / 5), () => {
      pruneTableChanges({ seconds: KEEP_CHANGES_SECONDS }, getDb()).catch((error: unknown) =>
        console.error("[realtime] pruning table_changes failed", error),
      );
    });
  }

  hub(tableId: string): TableHub {
    let hub = this.hubs.get(tableId);
    if (!hub) {
      hub = new TableHub(
        tableId,
        () => this.listener.isUp,
        // This process's own cell hints go out first, so the barrier comes back after them.
        () =>
          flushCellHints().then(
            () => this.listener.barrier(),
            () => false,
          ),
      );
      this.hubs.set(tableId, hub);
    }
    return hub;
  }

  close() {
    for (const timer of this.timers) clearInterval(timer);
    for (const hub of this.hubs.values()) hub.close();
    this.hubs.clear();
  }
}

type Cache = { glazeHubs?: Hubs };
const cache = globalThis as unknown as Cache;

/** The hub of `tableId` in this process (created on first use). */
export function hubFor(tableId: string): TableHub {
  if (!cache.glazeHubs) {
    const hubs = new Hubs();
    cache.glazeHubs = hubs;
    onDisconnect(async () => {
      if (cache.glazeHubs === hubs) cache.glazeHubs = undefined;
      hubs.close();
    });
    // A server shutting down gracefully waits for open responses, and streams never end by
    // themselves: end them (their clients reconnect, to another instance or after the restart).
    const onSignal = (signal: NodeJS.Signals) => {
      hubs.close();
      // Nobody else handles it: do what Node would have done.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  }
  return cache.glazeHubs.hub(tableId);
}

/** How many streams this process serves (for tests and the bench). */
export function openStreams(): number {
  let n = 0;
  for (const hub of cache.glazeHubs?.hubs.values() ?? []) n += hub.clients;
  return n;
}
