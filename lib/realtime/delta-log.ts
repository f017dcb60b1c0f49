import "server-only";
import type { CellState, RowState } from "../enrichment/cell-status";
import { concatTableChanges, type TableChanges } from "./table-changes";

// The recent reads of one table's hub, each from the previous read's cursor to its own, kept
// so that a client at any of those cursors is answered from memory: a stream that reconnects,
// or a cells/status poll. Cells and rows are kept as JSON text, serialised once per read, and
// merged by cell (the later read wins), which is what one read over the whole span returns.

export type Delta = {
  from: string;
  to: string;
  /** "rowId:columnId" → the cell's state as JSON, with its row and job. */
  cells: Map<string, DeltaCell>;
  /** rowId → the row's state as JSON. */
  rows: Map<string, string>;
  /** rowId → the keys of its cells in `cells` (for polls that watch some rows only). */
  byRow: Map<string, string[]>;
  table: TableChanges;
  /** More cells changed than the read's limit: the cells are a part of them. */
  hasMore: boolean;
  at: number;
};

export type DeltaCell = { rowId: string; jobId: string; json: string };

export type Merged = Omit<Delta, "from" | "at" | "byRow">;

export function toDelta(
  {
    from,
    to,
    cells,
    rows,
    table,
    hasMore,
  }: { from: string; to: string; cells: CellState[]; rows: RowState[] } & Pick<Delta, "table" | "hasMore">,
  at = Date.now(),
): Delta {
  const byRow = new Map<string, string[]>();
  const deltaCells = new Map<string, DeltaCell>();
  for (const c of cells) {
    const key = `${c.rowId}:${c.columnId}`;
    deltaCells.set(key, { rowId: c.rowId, jobId: c.jobId, json: JSON.stringify(c) });
    const keys = byRow.get(c.rowId);
    if (keys) keys.push(key);
    else byRow.set(c.rowId, [key]);
  }
  return {
    from,
    to,
    cells: deltaCells,
    rows: new Map(rows.map((r) => [r.rowId, JSON.stringify(r)])),
    byRow,
    table,
    hasMore,
    at,
  };
}

export type Limits = { entries: number; cells: number; ageMs: number };

export class DeltaLog {
  private entries: Delta[] = [];
  private headCursor?: string;
  private cellCount = 0;
  private readonly cache = new Map<string, string>();

  constructor(private readonly limits: Limits) {}

  /** Appends the next read (its `from` is the last one's `to`) and forgets what is too old. */
  append(delta: Delta) {
    if (this.headCursor !== delta.from) this.clear();
    this.entries.push(delta);
    this.headCursor = delta.to;
    this.cellCount += delta.cells.size;
    this.cache.clear();
    const { entries, cells, ageMs } = this.limits;
    while (
      this.entries.length > 1 &&
      (this.entries.length > entries || this.cellCount > cells || delta.at - this.entries[0].at > ageMs)
    ) {
      this.cellCount -= this.entries.shift()?.cells.size ?? 0;
    }
  }

  /** Forgets every read; `cursor` (if any) is where the next one starts. */
  clear(cursor?: string) {
    this.entries = [];
    this.headCursor = cursor;
    this.cellCount = 0;
    this.cache.clear();
  }

  get head(): string | undefined {
    return this.headCursor;
  }

  /** Whether the log reaches back to `cursor`. */
  covers(cursor: string): boolean {
    return cursor === this.headCursor || this.entries.some((d) => d.from === cursor);
  }

  /**
   * Everything after `cursor` merged (of the rows `rowIds` only, when given), or undefined
   * when the log does not reach back to it.
   */
  since(cursor: string, rowIds?: readonly string[]): Merged | undefined {
    if (cursor === this.headCursor) {
      return { to: cursor, cells: new Map(), rows: new Map(), table: { changes: [], reload: false }, hasMore: false };
    }
    const start = this.entries.findIndex((d) => d.from === cursor);
    if (start === -1) return undefined;
    const span = this.entries.slice(start);
    const cells = new Map<string, DeltaCell>();
    const rows = new Map<string, string>();
    const put = (key: string, cell: DeltaCell) => {
      cells.delete(key); // keep the order of the latest change
      cells.set(key, cell);
    };
    for (const delta of span) {
      if (rowIds) {
        // A window's rows: look them up, whatever else changed.
        for (const rowId of rowIds) {
          for (const key of delta.byRow.get(rowId) ?? []) put(key, delta.cells.get(key) as DeltaCell);
          const row = delta.rows.get(rowId);
          if (row) rows.set(rowId, row);
        }
        continue;
      }
      for (const [key, cell] of delta.cells) put(key, cell);
      for (const [rowId, json] of delta.rows) rows.set(rowId, json);
    }
    return {
      to: span[span.length - 1].to,
      cells,
      rows,
      table: concatTableChanges(span.map((d) => d.table)),
      hasMore: span.some((d) => d.hasMore),
    };
  }

  /**
   * The cells/status answer for a poll at `cursor` (of the rows `rowIds` only, when given)
   * as JSON text, or undefined when the log cannot give exactly what a read of the database
   * would. Answers for the whole table are cached until the next read: pollers share them.
   */
  pollAnswer(cursor: string, limit: number, readLimit: number, rowIds?: readonly string[]): string | undefined {
    const key = rowIds ? undefined : `${limit}|${cursor}`;
    const cached = key === undefined ? undefined : this.cache.get(key);
    if (cached !== undefined) return cached;
    const merged = this.since(cursor, rowIds);
    // A read that hit its limit only knows part of what changed; a bigger limit would have
    // been given more.
    if (!merged || (merged.hasMore && limit > readLimit)) return undefined;
    const answer = cellsPageJson(merged, limit);
    if (key !== undefined) this.cache.set(key, answer);
    return answer;
  }
}

/** A cells/status page (CellStatusPage) as JSON, from merged deltas, cut at `limit` cells. */
export function cellsPageJson(merged: Pick<Merged, "to" | "cells" | "rows" | "hasMore">, limit: number): string {
  const cells: string[] = [];
  const rowIds = new Set<string>();
  for (const cell of merged.cells.values()) {
    if (cells.length === limit) break;
    cells.push(cell.json);
    rowIds.add(cell.rowId);
  }
  const rows: string[] = [];
  for (const rowId of rowIds) {
    const row = merged.rows.get(rowId);
    if (row) rows.push(row);
  }
  const hasMore = merged.hasMore || merged.cells.size > limit;
  return `{"cursor":${JSON.stringify(merged.to)},"cells":[${cells.join(",")}],"rows":[${rows.join(",")}],"hasMore":${hasMore}}`;
}
