import "server-only";
import { getPool, onDisconnect } from "../db";
import { CHANNEL } from "./listener";

// Cell hints sent by this process instead of by the tasks' trigger. A notifying transaction
// takes Postgres's global notify lock at commit and holds it through the commit's flush, so
// when every cell's claim and result notified, concurrent cells committed one at a time
// (bench/README.md: −54–59 % per-cell throughput at 8–32 callers). The engine's hot
// statements therefore run on connections where the trigger stays quiet (glaze.hints=app,
// lib/db.ts) and report their tables here; this process sends one notification per table at
// most every FLUSH_DELAY_MS, after the changes committed. A hint is only a hint (the hubs read
// through snapshot cursors), so merging them loses nothing; a hint lost with the process is
// covered by the job's own notifications and the hubs' resync.

const FLUSH_DELAY_MS = 15;
const RETRY_MS = 1_000;

type State = { pending: Set<string>; timer?: NodeJS.Timeout; flushing?: Promise<void>; failing?: boolean };
const cache = globalThis as unknown as { glazeCellHints?: State };

function state(): State {
  if (!cache.glazeCellHints) {
    const s: State = { pending: new Set() };
    cache.glazeCellHints = s;
    onDisconnect(async () => {
      clearTimeout(s.timer);
      s.timer = undefined;
      await flushCellHints().catch(() => {});
      if (cache.glazeCellHints === s) cache.glazeCellHints = undefined;
    });
  }
  return cache.glazeCellHints;
}

/** Cells of these tables changed (committed): their hubs, in every process, will be told. */
export function hintCells(tableIds: Iterable<string>) {
  const s = state();
  for (const id of tableIds) s.pending.add(id);
  if (s.pending.size > 0 && !s.timer) schedule(s, FLUSH_DELAY_MS);
}

function schedule(s: State, ms: number) {
  s.timer = setTimeout(() => {
    s.timer = undefined;
    void flushCellHints().then(
      () => {
        if (s.failing) console.error("[realtime] sending cell hints again");
        s.failing = false;
      },
      (error: unknown) => {
        // Once per outage: the retries every RETRY_MS would repeat it.
        if (!s.failing) console.error("[realtime] sending cell hints failed, retrying", (error as Error).message);
        s.failing = true;
        if (!s.timer) schedule(s, RETRY_MS);
      },
    );
  }, ms);
  s.timer.unref();
}

/**
 * Sends the hints gathered so far now, in one transaction. Resolves once they are sent, so a
 * caller that flushes before a listener barrier knows this process's own changes come first.
 */
export async function flushCellHints(): Promise<void> {
  const s = cache.glazeCellHints;
  if (!s) return;
  // One flush at a time; hints gathered meanwhile go in the next one.
  while (s.flushing) await s.flushing.catch(() => {});
  if (s.pending.size === 0) return;
  const tables = [...s.pending];
  s.pending.clear();
  s.flushing = getPool()
    .query("SELECT pg_notify($1, t || ':c') FROM unnest($2::text[]) AS t", [CHANNEL, tables])
    .then(
      () => undefined,
      (error: unknown) => {
        for (const t of tables) s.pending.add(t);
        throw error;
      },
    )
    .finally(() => {
      s.flushing = undefined;
    });
  await s.flushing;
}
