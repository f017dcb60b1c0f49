import type pg from "pg";
import { sleepUntil } from "./timers";

// Postgres going away (restart, crash, `pg_ctl stop`) must not fail runs: every write a
// run makes would fail, including the one recording the failure. Instead the server
// notices, pauses, waits for the database and reloads unfinished runs from it.

/** Node socket errors that mean "no database there right now". */
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

// SQLSTATEs: class 08 (connection exception), 57P01 admin_shutdown ("terminating
// connection due to administrator command"), 57P02 crash_shutdown, 57P03
// cannot_connect_now ("the database system is shutting down / starting up / in
// recovery mode"), 53300 too_many_connections.
const SQL_STATES = new Set(["57P01", "57P02", "57P03", "53300"]);

// What node-postgres throws without a code when the socket dies under a query.
const MESSAGES = [
  "Connection terminated",
  "not queryable",
  "timeout exceeded when trying to connect",
  "the database system is",
];

/** True when `err` says the database cannot be reached, as opposed to a bad query. */
export function isDbUnavailable(err: unknown): boolean {
  for (
    let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 4;
    depth++
  ) {
    const code = typeof e.code === "string" ? e.code : "";
    if (SOCKET_CODES.has(code) || SQL_STATES.has(code) || code.startsWith("08")) return true;
    if (typeof e.message === "string" && MESSAGES.some((m) => (e as { message: string }).message.includes(m)))
      return true;
    // AggregateError (a host with several addresses) and errors wrapping a cause.
    const inner = (e as { errors?: unknown[] }).errors;
    if (Array.isArray(inner) && inner.some(isDbUnavailable)) return true;
    e = e.cause as typeof e;
  }
  return false;
}

export interface DbHealthHooks {
  /** The database went away: stop driving runs (synchronously, before anything else writes). */
  onDown(): void;
  /** The database answers again: reload and resume. A throw means "not yet", and probing goes on. */
  onUp(): Promise<void>;
}

/**
 * Tracks whether Postgres is reachable. `report(err)` is called wherever a database
 * error surfaces; the first unavailability error switches to "down", logs once, and
 * probes with backoff until a query succeeds, then hands over to `onUp`.
 */
export class DbHealth {
  private down = false;
  private since = 0;
  hooks: DbHealthHooks = { onDown() {}, async onUp() {} };

  constructor(
    private readonly pool: pg.Pool,
    private readonly log: (line: string) => void,
    private readonly stopSignal: AbortSignal,
    private readonly retry = { firstMs: 250, maxMs: 2000 },
  ) {}

  get available(): boolean {
    return !this.down;
  }

  /** Returns whether `err` was an unavailability error (and so has been dealt with). */
  report(err: unknown): boolean {
    if (!isDbUnavailable(err)) return false;
    if (this.down || this.stopSignal.aborted) return true;
    this.down = true;
    this.since = Date.now();
    const detail = (err as { code?: string }).code ?? (err as Error).message ?? String(err);
    this.log(`database unavailable (${detail}): runs are paused, events get 503; reconnecting with backoff`);
    this.hooks.onDown();
    void this.reconnect();
    return true;
  }

  private async reconnect(): Promise<void> {
    let wait = this.retry.firstMs;
    for (;;) {
      try {
        await sleepUntil(Date.now() + wait, this.stopSignal);
      } catch {
        return;
      }
      wait = Math.min(wait * 2, this.retry.maxMs);
      try {
        await this.pool.query("SELECT 1");
        break;
      } catch {
        // Still down (or starting up): keep probing.
      }
    }
    this.down = false;
    this.log(`database is back after ${((Date.now() - this.since) / 1000).toFixed(1)} s`);
    try {
      await this.hooks.onUp();
    } catch (err) {
      // Gone again while reloading: report() has started a new round.
      if (this.report(err)) return;
      this.log(`resuming runs after the database outage failed: ${(err as Error).stack ?? err}`);
    }
  }
}
