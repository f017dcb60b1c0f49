import "server-only";
import { getDb, type Tx } from "../db";
import { type CellStatusPage, pageOf } from "../enrichment/cell-status";
import { isActiveJob } from "../enrichment/serialize";
import { type CellChange, readCellChanges } from "../enrichment/store";
import { notFound } from "../errors";
import { cellsPageJson, DeltaLog, type Merged, toDelta } from "./delta-log";
import { JobTracker, type ReportedJob } from "./job-tracker";
import { encodeEvents, type SseConnection, sseEvent } from "./sse";
import { isEmpty, readTableChanges, type TableChanges, tableDeleted } from "./table-changes";

// One table's live state in this process. Hints (listener.ts) mark it dirty; it then reads
// what changed ONCE for everybody, at most every MIN_READ_INTERVAL_MS, in one REPEATABLE READ
// transaction so that the cells, the table's changes, the jobs and any catch-up reads of
// clients joining at older cursors all share one snapshot, the new cursor. Each read's events
// are encoded once and the same bytes go to every stream at the previous cursor; the recent
// reads are kept (delta-log.ts) to answer reconnecting streams and cells/status polls. A stream
// whose client reads slower than events come is not queued more: it is marked behind at its
// cursor, and once its queue drains it is sent everything since, merged from those reads (each
// cell's latest state once), so a slow client stays connected and receives less, not later.

export const READ_LIMIT = 10_000;
export const MIN_READ_INTERVAL_MS = 100;
/**
 * A stream with more than this queued (or a quarter of its limit, if less) is sent no more
 * until it drains to half of it.
 */
export const LAG_BYTES = 128 * 1024;
const lagOf = (connection: SseConnection) => Math.min(LAG_BYTES, connection.limit / 4);
const CATCH_UP_CHECK_MS = 50;
const MAX_RETRY_MS = 5_000;
/**
 * While a job of the table moves and streams follow it, its numbers are read at least this
 * often even when no cell changed: credits are charged as a waterfall's providers answer,
 * before its cell ends (a strip showed 25 credits while the job had spent 146).
 */
export const JOB_REFRESH_MS = 2_000;

/** A poll without a cursor: every enriched cell's latest state. */
const EVERYTHING = "*";

type Joiner = {
  /** From this cursor (EVERYTHING: every cell's latest state; absent: from the hub's cursor). */
  since?: string;
  limit: number;
  /** A poll of these rows only. */
  rowIds?: readonly string[];
  /** Called inside the read's bookkeeping, before any later read can broadcast. */
  join: (catchUp: CatchUp) => void;
  fail: (error: unknown) => void;
};

/**
 * Where a joining client starts: the cursor, its cells/status page (JSON), table changes, and
 * the jobs of the cells in that page (a job that ended while a client was away is reported).
 */
export type CatchUp = {
  cursor: string;
  pageJson: string;
  /** More cells changed than the page holds. */
  hasMore: boolean;
  table: TableChanges;
  jobIds: Set<string>;
};

type Subscriber = {
  connection: SseConnection;
  jobId?: string;
  lastJob?: string;
  /** A table stream's position: the cursor it has every change up to. */
  cursor?: string;
  behind?: Behind;
};

/** A table stream that is sent nothing until it drains: where it stopped, the jobs it missed. */
type Behind = { since: string; jobs: Map<string, ReportedJob>; skipped: number };

type ReadResult = {
  exists: boolean;
  cursor: string;
  page?: CellStatusPage;
  table: TableChanges;
  catchUps: Map<string, { cells: { cursor: string; changes: CellChange[] }; table: TableChanges }>;
  jobs?: Awaited<ReturnType<JobTracker["read"]>>;
};

const NO_CHANGES: TableChanges = { changes: [], reload: false };

export class TableHub {
  private cursor?: string;
  // Pollers are about a second behind, streams reconnect within seconds and slow streams catch
  // up from here (a 100,000-cell job changes ~50,000 cells in 10 s); a cell kept costs ~1 KB,
  // so a hub holds at most ~50 MB of them.
  private readonly log = new DeltaLog({ entries: 300, cells: 50_000, ageMs: 30_000 });
  private readonly jobs = new JobTracker();
  private readonly subscribers = new Set<Subscriber>();
  private joiners: Joiner[] = [];
  private waiters: ((ok: boolean) => void)[] = [];
  private dirty = true;
  private cellsHinted = false;
  private reading?: Promise<boolean>;
  private timer?: NodeJS.Timeout;
  private catchUpTimer?: NodeJS.Timeout;
  /** Encoded catch-ups of streams that were behind, by cursor, until the next read. */
  private readonly catchUps = new Map<string, Uint8Array | null>();
  private lastReadAt = 0;
  private jobTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private gone = false;
  lastUsed = Date.now();
  /** Reads of the database so far, and catch-up reads among them (for tests and the bench). */
  readonly stats = { reads: 0, catchUps: 0 };

  constructor(
    readonly tableId: string,
    private readonly listening: () => boolean,
    private readonly barrier: () => Promise<boolean>,
  ) {}

  get idle() {
    return this.subscribers.size === 0 && this.joiners.length === 0 && !this.reading && this.waiters.length === 0;
  }

  get clients() {
    return this.subscribers.size;
  }

  /** A notification for this table: `c` cells, `j` jobs, `t` rows/columns/table. */
  hint(kind: string) {
    this.dirty = true;
    if (kind === "c") this.cellsHinted = true;
    if (kind === "j") this.jobs.markStale();
    this.schedule();
  }

  /** Hints may have been lost (the listener reconnected, or is down): read again. */
  resync() {
    this.cellsHinted = true;
    this.jobs.markStale();
    this.hint("t");
  }

  /** Sends the same bytes to every stream (heartbeats). */
  broadcast(chunk: Uint8Array) {
    for (const s of this.subscribers) s.connection.send(chunk);
  }

  close() {
    clearTimeout(this.timer);
    clearTimeout(this.catchUpTimer);
    clearTimeout(this.jobTimer);
    for (const s of this.subscribers) s.connection.end("server");
    this.subscribers.clear();
  }

  /** Adds a table stream at `since` (the hub's cursor when absent); it gets a catch-up first. */
  subscribeTable(connection: SseConnection, since?: string) {
    this.lastUsed = Date.now();
    const subscriber: Subscriber = { connection };
    const join = (catchUp: CatchUp) => {
      if (connection.isClosed) return;
      let text = this.jobs
        .reportFor(catchUp.jobIds)
        .map((r) => sseEvent("job", r.json))
        .join("");
      const pageJson = catchUp.hasMore ? resyncPageJson(catchUp.cursor) : catchUp.pageJson;
      text += eventsText(catchUp.cursor, catchUp.table, pageJson, true);
      connection.send(encodeEvents(text));
      subscriber.cursor = catchUp.cursor;
      this.add(subscriber);
    };
    // A cursor the recent reads cover joins at once; others wait for the next read.
    const merged = this.cursor && this.jobs.ready ? this.log.since(since ?? this.cursor) : undefined;
    if (merged) {
      const jobIds = new Set([...merged.cells.values()].map((c) => c.jobId));
      return join({
        cursor: merged.to,
        pageJson: cellsPageJson(merged, READ_LIMIT),
        hasMore: isCut(merged),
        table: merged.table,
        jobIds,
      });
    }
    this.enqueue({ since, limit: READ_LIMIT, join, fail: () => connection.end("server") });
  }

  /** Adds a job stream, which was sent the job as `sent` (JSON): every change, until the job ends. */
  subscribeJob(connection: SseConnection, jobId: string, sent: string) {
    this.lastUsed = Date.now();
    const subscriber: Subscriber = { connection, jobId, lastJob: sent };
    this.jobs.watch(jobId);
    connection.onClose(() => this.jobs.unwatch(jobId));
    this.enqueue({
      limit: 1,
      join: () => {
        if (connection.isClosed) return;
        const current = this.jobs.get(jobId);
        if (!current) return connection.end();
        this.add(subscriber);
        this.sendJob(subscriber, current);
      },
      fail: () => connection.end("server"),
    });
  }

  /**
   * The cells/status answer (JSON) for a poll at `since` (without: every enriched cell), of
   * the rows `rowIds` only when given, as fresh as a read of the database made now; undefined
   * when only the database can tell (the listener is down, or a first poll of some rows).
   * Pollers of a table thus share its reads, and their cursors are the hub's.
   */
  async poll(since: string | undefined, limit: number, rowIds?: readonly string[]): Promise<string | undefined> {
    this.lastUsed = Date.now();
    if (!this.listening()) return undefined;
    // Every cell of some rows: one statement of its own answers it at once (its cursor joins
    // the hub at the next poll); every cell of the table is read once for all who ask.
    if (since === undefined && rowIds) return undefined;
    // A cursor the recent reads do not reach (or none) is read from the database in the next
    // read, which starts after this poll came and so covers every commit before it.
    if (since === undefined || !this.cursor || !this.log.covers(since)) return this.catchUp(since, limit, rowIds);
    // A read that starts after this poll came covers every commit before it. A hub with no
    // hint pending is that fresh already, once every hint in flight has arrived (the barrier).
    // A hint pending: the next read starts after this poll came, so it covers every commit
    // before it (a second one is not needed, however many hints arrive meanwhile).
    let fresh: boolean;
    if (this.dirty) fresh = await this.nextRead();
    else {
      fresh = await this.barrier();
      if (fresh) fresh = this.dirty ? await this.nextRead() : this.reading ? await this.reading : true;
    }
    if (!fresh) return undefined;
    if (this.gone) throw notFound("table", this.tableId);
    return this.log.pollAnswer(since, limit, READ_LIMIT, rowIds) ?? this.catchUp(since, limit, rowIds);
  }

  private async catchUp(since: string | undefined, limit: number, rowIds?: readonly string[]) {
    const catchUp = await new Promise<CatchUp>((join, fail) =>
      this.enqueue({ since: since ?? EVERYTHING, limit, rowIds, join, fail }),
    );
    return catchUp.pageJson;
  }

  private add(subscriber: Subscriber) {
    this.subscribers.add(subscriber);
    subscriber.connection.onClose(() => {
      this.subscribers.delete(subscriber);
      this.lastUsed = Date.now();
    });
  }

  /** A read's events to one table stream, unless its client is behind (see sendCatchUps). */
  private deliver(s: Subscriber, cursor: string, chunk: Uint8Array | undefined, jobs: ReportedJob[]) {
    const { connection } = s;
    if (!s.behind && chunk && connection.queuedBytes > lagOf(connection) && s.cursor) {
      s.behind = { since: s.cursor, jobs: new Map(), skipped: 0 };
      this.scheduleCatchUps();
    }
    if (!s.behind) {
      if (chunk) connection.send(chunk);
      s.cursor = cursor;
      return;
    }
    for (const reported of jobs) s.behind.jobs.set(reported.job.jobId, reported);
    // What it would have been sent counts against its limit as if it were queued.
    s.behind.skipped += chunk?.byteLength ?? 0;
    if (connection.queuedBytes + s.behind.skipped > connection.limit) connection.drop();
  }

  private scheduleCatchUps() {
    if (this.catchUpTimer) return;
    this.catchUpTimer = setTimeout(() => {
      this.catchUpTimer = undefined;
      this.sendCatchUps();
    }, CATCH_UP_CHECK_MS);
  }

  /**
   * Streams that were behind and have drained get everything since their cursor, merged from
   * the recent reads (streams at one cursor share the bytes): the jobs that changed meanwhile,
   * then the table's changes and the cells, with the hub's cursor as the id. A stream the
   * recent reads no longer reach is disconnected and resyncs when it reconnects.
   */
  private sendCatchUps() {
    let waiting = false;
    for (const s of this.subscribers) {
      const { behind, connection } = s;
      if (!behind || connection.isClosed) continue;
      if (connection.queuedBytes > lagOf(connection) / 2) {
        waiting = true;
        continue;
      }
      let chunk = this.catchUps.get(behind.since);
      if (chunk === undefined) {
        const merged = this.log.since(behind.since);
        chunk = merged ? encodeEvents(eventsText(merged.to, merged.table, streamPageJson(merged), true)) : null;
        this.catchUps.set(behind.since, chunk);
      }
      s.behind = undefined;
      if (!chunk) {
        connection.drop();
        continue;
      }
      const jobs = [...behind.jobs.values()].map((r) => sseEvent("job", r.json)).join("");
      if (jobs) connection.send(encodeEvents(jobs));
      connection.send(chunk);
      s.cursor = this.cursor;
    }
    if (waiting) this.scheduleCatchUps();
  }

  private sendJob(subscriber: Subscriber, reported: ReportedJob) {
    if (subscriber.lastJob === reported.json) return;
    subscriber.lastJob = reported.json;
    subscriber.connection.send(encodeEvents(sseEvent("job", reported.json)));
    if (!isActiveJob(reported.job)) subscriber.connection.end();
  }

  /** Reads the jobs again in JOB_REFRESH_MS while one moves and a stream follows the table. */
  private refreshMovingJobs() {
    if (this.jobTimer || this.gone || this.subscribers.size === 0 || !this.jobs.moving) return;
    this.jobTimer = setTimeout(() => {
      this.jobTimer = undefined;
      if (this.subscribers.size === 0) return;
      this.jobs.markStale();
      this.dirty = true;
      this.schedule();
    }, JOB_REFRESH_MS);
    this.jobTimer.unref?.();
  }

  private enqueue(joiner: Joiner) {
    this.joiners.push(joiner);
    this.schedule();
  }

  private nextRead() {
    return new Promise<boolean>((resolve) => {
      this.waiters.push(resolve);
      this.schedule();
    });
  }

  private schedule() {
    if (this.reading || this.timer) return;
    const backoff = this.failures > 0 ? Math.min(MAX_RETRY_MS, 100 * 2 ** this.failures) : MIN_READ_INTERVAL_MS;
    const wait = Math.max(0, this.lastReadAt + backoff - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.startRead();
    }, wait);
  }

  private startRead() {
    const joiners = this.joiners.splice(0);
    const waiters = this.waiters.splice(0);
    const cellsHinted = this.cellsHinted;
    this.cellsHinted = false;
    this.dirty = false;
    this.lastReadAt = Date.now();
    const streams = this.subscribers.size > 0 || joiners.length > 0;
    const withJobs = streams && this.jobs.needsRead(cellsHinted || !this.cursor);
    // Without streams jobs are not followed, so what the tracker knows grows old.
    if (!withJobs) this.jobs.markStale();
    this.reading = this.read(joiners, withJobs)
      .then(
        (result) => {
          this.failures = 0;
          this.apply(result, joiners);
          return true;
        },
        (error: unknown) => {
          this.failures++;
          this.dirty = true;
          if (cellsHinted) this.cellsHinted = true;
          for (const j of joiners) j.fail(error);
          console.error(`[realtime] table ${this.tableId}: reading changes failed`, error);
          return false;
        },
      )
      .then((ok) => {
        this.reading = undefined;
        for (const resolve of waiters) resolve(ok);
        if (this.dirty || this.joiners.length > 0 || this.waiters.length > 0) this.schedule();
        return ok;
      });
  }

  private read(joiners: Joiner[], withJobs: boolean): Promise<ReadResult> {
    this.stats.reads++;
    const from = this.cursor;
    // Who asks for changes since a cursor other than the hub's needs them in the same snapshot
    // as everybody's: one REPEATABLE READ transaction. Otherwise plain statements do, fewer
    // round trips: the jobs first, then the cells (so a job's end never comes before its last
    // cells), then the table's changes up to the cells' cursor.
    const catchUps = new Map<string | undefined, number>();
    // A poll of some rows reads what the table's read would (and keeps its rows).
    for (const j of joiners) {
      const limit = j.rowIds ? READ_LIMIT : j.limit;
      catchUps.set(j.since, Math.max(catchUps.get(j.since) ?? 0, limit));
    }
    for (const [since, limit] of catchUps) {
      // At the hub's cursor the shared read serves, unless it may have cut what they asked for.
      if (since === undefined || (since === from && limit <= READ_LIMIT)) catchUps.delete(since);
    }
    if (from && catchUps.size === 0) return this.readShared(from, withJobs);
    return getDb().$transaction(
      async (tx) => {
        const jobs = withJobs ? await this.jobs.read(this.tableId, tx) : undefined;
        const shared = from
          ? await readCellChanges({ tableId: this.tableId, since: from, limit: READ_LIMIT + 1 }, tx)
          : { cursor: await snapshotOf(tx), changes: [] };
        const table = await readTableChanges({ tableId: this.tableId, since: from ?? shared.cursor }, tx);
        const own: ReadResult["catchUps"] = new Map();
        for (const [since, limit] of catchUps) {
          if (since === undefined) continue;
          this.stats.catchUps++;
          const everything = since === EVERYTHING;
          own.set(since, {
            cells: await readCellChanges(
              { tableId: this.tableId, since: everything ? undefined : since, limit: limit + 1 },
              tx,
            ),
            table: everything ? NO_CHANGES : (await readTableChanges({ tableId: this.tableId, since }, tx)).changes,
          });
        }
        return {
          exists: table.exists,
          cursor: shared.cursor,
          page: from ? pageOf(shared, READ_LIMIT) : undefined,
          table: from ? table.changes : NO_CHANGES,
          catchUps: own,
          jobs,
        };
      },
      { isolationLevel: "RepeatableRead", maxWait: 10_000, timeout: 60_000 },
    );
  }

  private async readShared(from: string, withJobs: boolean): Promise<ReadResult> {
    const { tableId } = this;
    const jobs = withJobs ? await this.jobs.read(tableId) : undefined;
    const shared = await readCellChanges({ tableId, since: from, limit: READ_LIMIT + 1 });
    const table = await readTableChanges({ tableId, since: from, until: shared.cursor });
    return {
      exists: table.exists,
      cursor: shared.cursor,
      page: pageOf(shared, READ_LIMIT),
      table: table.changes,
      catchUps: new Map(),
      jobs,
    };
  }

  private apply(result: ReadResult, joiners: Joiner[]) {
    const from = this.cursor;
    const { cursor, page, table } = result;
    this.cursor = cursor;
    let pageJson = emptyPageJson(cursor);
    if (from && page) {
      const delta = toDelta({ from, to: cursor, cells: page.cells, rows: page.rows, table, hasMore: page.hasMore });
      this.log.append(delta);
      pageJson = cellsPageJson({ to: cursor, cells: delta.cells, rows: delta.rows, hasMore: page.hasMore }, READ_LIMIT);
    } else {
      this.log.clear(cursor);
    }
    const changedJobs = result.jobs ? this.jobs.apply(result.jobs) : [];
    this.gone = !result.exists;
    this.refreshMovingJobs();

    const hasCells = page !== undefined && (page.cells.length > 0 || page.hasMore);
    let text = changedJobs.map((r) => sseEvent("job", r.json)).join("");
    text += eventsText(cursor, table, page?.hasMore ? resyncPageJson(cursor) : pageJson, hasCells);
    this.catchUps.clear();
    const chunk = text ? encodeEvents(text) : undefined;
    for (const s of this.subscribers) if (!s.jobId) this.deliver(s, cursor, chunk, changedJobs);
    for (const reported of changedJobs) {
      for (const s of this.subscribers) if (s.jobId === reported.job.jobId) this.sendJob(s, reported);
    }

    // Joiners at one cursor (e.g. first polls) share their page.
    const ownPages = new Map<string, ReturnType<typeof catchUpPage>>();
    for (const joiner of joiners) {
      if (this.gone && joiner.since !== undefined) {
        joiner.fail(notFound("table", this.tableId));
        continue;
      }
      const own = joiner.since === undefined ? undefined : result.catchUps.get(joiner.since);
      if (own) {
        const key = `${joiner.since}|${joiner.limit}`;
        const shared = joiner.rowIds ? undefined : ownPages.get(key);
        const ownPage = shared ?? catchUpPage(cursor, own.cells.changes, joiner.limit, joiner.rowIds);
        if (!joiner.rowIds) ownPages.set(key, ownPage);
        joiner.join({
          cursor,
          pageJson: ownPage.json,
          hasMore: ownPage.hasMore,
          table: own.table,
          jobIds: ownPage.jobIds,
        });
      } else if (joiner.since !== undefined && joiner.since === from) {
        const answer = this.log.pollAnswer(from, joiner.limit, READ_LIMIT, joiner.rowIds) ?? pageJson;
        const hasMore = (page?.hasMore ?? false) || (page?.cells.length ?? 0) > joiner.limit;
        joiner.join({ cursor, pageJson: answer, hasMore, table, jobIds: new Set(page?.cells.map((c) => c.jobId)) });
      } else {
        joiner.join({ cursor, pageJson: emptyPageJson(cursor), hasMore: false, table: NO_CHANGES, jobIds: new Set() });
      }
    }
    if (this.gone || tableDeleted(table)) this.close();
  }
}

/** A catch-up read's page for one joiner: its rows only when it names them (limit applied after). */
function catchUpPage(cursor: string, changes: CellChange[], limit: number, rowIds?: readonly string[]) {
  if (!rowIds) {
    const page = pageOf({ cursor, changes }, limit);
    return { json: JSON.stringify(page), hasMore: page.hasMore, jobIds: new Set(changes.map((c) => c.jobId)) };
  }
  const wanted = new Set(rowIds);
  const mine = changes.filter((c) => wanted.has(c.rowId));
  const page = pageOf({ cursor, changes: mine }, limit);
  // The read was cut at its limit: what it did not return may include these rows.
  if (changes.length > READ_LIMIT) page.hasMore = true;
  return { json: JSON.stringify(page), hasMore: page.hasMore, jobIds: new Set(page.cells.map((c) => c.jobId)) };
}

const emptyPageJson = (cursor: string) => `{"cursor":${JSON.stringify(cursor)},"cells":[],"rows":[],"hasMore":false}`;

/**
 * A stream's page when more cells changed than a page holds: no cells, `hasMore` (the client
 * refetches the rows it shows, whose cells carry every state, and goes on from the cursor).
 * The part a poll's page would carry is of no use to it and would cost every stream its bytes.
 */
const resyncPageJson = (cursor: string) => `{"cursor":${JSON.stringify(cursor)},"cells":[],"rows":[],"hasMore":true}`;

/** More cells changed in `merged` than a page holds. */
const isCut = (merged: Merged) => merged.hasMore || merged.cells.size > READ_LIMIT;

/** A stream's cells page of everything in `merged`: the page, or the resync page if it would be cut. */
const streamPageJson = (merged: Merged) =>
  isCut(merged) ? resyncPageJson(merged.to) : cellsPageJson(merged, READ_LIMIT);

/**
 * A read's `table` and `cells` events for streams; the last one carries the cursor as its id,
 * so Last-Event-ID names the read a client has fully received. `always`: send `cells` even
 * when empty (a stream's first events tell it its cursor).
 */
function eventsText(cursor: string, table: TableChanges, pageJson: string, always: boolean): string {
  const hasTable = !isEmpty(table);
  let text = "";
  if (hasTable) {
    text += sseEvent("table", JSON.stringify({ cursor, ...table }), always ? undefined : cursor);
  }
  if (always) text += sseEvent("cells", pageJson, cursor);
  return text;
}

async function snapshotOf(tx: Tx): Promise<string> {
  // The same expression as the cells' feed, so this is a cursor like the ones it returns.
  const [{ cursor }] = await tx.$queryRaw<{ cursor: string }[]>`SELECT pg_current_snapshot()::text AS cursor`;
  return cursor;
}
