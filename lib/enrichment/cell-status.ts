import "server-only";
import { getDb } from "../db";
import { notFound } from "../errors";
import { type CellChange, type CellState, readCellChanges } from "./store";

export type { CellState };

export type RowState = { rowId: string; status: string; confidence: number | null; error: string | null };

/** hasMore: more cells changed than `limit`; refetch the visible rows, then continue from `cursor`. */
export type CellStatusPage = { cursor: string; cells: CellState[]; rows: RowState[]; hasMore: boolean };

function toCell(c: CellChange): CellState {
  return {
    rowId: c.rowId,
    columnId: c.columnId,
    taskId: c.taskId,
    jobId: c.jobId,
    status: c.status,
    value: c.value,
    confidence: c.confidence,
    error: c.error,
    attempts: c.attempts,
    provider: c.provider,
  };
}

/**
 * A page of changes as the API returns it: at most `limit` cells (changes may hold one more,
 * which is how a read tells that more changed), each with its row's state.
 */
export function pageOf({ cursor, changes }: { cursor: string; changes: CellChange[] }, limit: number): CellStatusPage {
  const hasMore = changes.length > limit;
  const page = hasMore ? changes.slice(0, limit) : changes;
  const rows = new Map<string, RowState>();
  for (const c of page) {
    rows.set(c.rowId, { rowId: c.rowId, status: c.rowStatus, confidence: c.rowConfidence, error: c.rowError });
  }
  // More changes than `limit`: the client should refetch the rows it shows (their `cells`
  // carry every cell's state) and continue from this cursor.
  return { cursor, cells: page.map(toCell), rows: [...rows.values()], hasMore };
}

/**
 * The latest task of every cell whose tasks changed since `since` (the change feed of
 * store/cell-changes.ts), of the rows `rowIds` when given, with the rows they belong to. A poll costs what changed, not the
 * size of the table.
 */
export async function cellStatusSince({
  tableId,
  since,
  limit,
  rowIds,
}: {
  tableId: string;
  since?: string;
  limit: number;
  /** Only the cells of these rows. */
  rowIds?: string[];
}): Promise<CellStatusPage> {
  const table = await getDb().table.findUnique({ where: { id: tableId }, select: { id: true } });
  if (!table) throw notFound("table", tableId);
  return pageOf(await readCellChanges({ tableId, since, limit: limit + 1, rowIds }), limit);
}
