import type { CellStatusPage } from "@/lib/enrichment/cell-status";
import { readOwn } from "@/lib/json";
import type { RowPage } from "@/lib/rows/rows";
import type { CellStates, RowData, RowDto } from "@/lib/rows/serialize";

// Rows are fetched and cached in fixed blocks (`offset = block × BLOCK_SIZE`), so a scroll
// position maps to the same cache entries every time and live updates patch them in place.

export const BLOCK_SIZE = 200;

export const blockOf = (rowIndex: number) => Math.floor(rowIndex / BLOCK_SIZE);

/** Blocks covering rows first..last (inclusive), clipped to the table. */
export function blocksFor(first: number, last: number, rowCount: number): number[] {
  if (rowCount <= 0 || last < first) return [];
  const from = blockOf(Math.max(0, first));
  const to = blockOf(Math.min(last, rowCount - 1));
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

type CellChange = CellStatusPage["cells"][number];
type RowChange = CellStatusPage["rows"][number];
export type RowChanges = Map<string, { cells: CellChange[]; row?: RowChange }>;

/** Groups a cells/status page by row, the unit a block is patched in. */
export function groupChanges(page: Pick<CellStatusPage, "cells" | "rows">): RowChanges {
  const changes: RowChanges = new Map();
  for (const cell of page.cells) {
    const entry = changes.get(cell.rowId) ?? { cells: [] };
    entry.cells.push(cell);
    changes.set(cell.rowId, entry);
  }
  for (const row of page.rows) {
    const entry = changes.get(row.rowId) ?? { cells: [] };
    entry.row = row;
    changes.set(row.rowId, entry);
  }
  return changes;
}

function isCellValue(value: unknown): value is RowData[string] {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

function patchRow(
  row: RowDto,
  change: { cells: CellChange[]; row?: RowChange },
  keyOf: (columnId: string) => string | undefined,
): RowDto {
  const cells: CellStates = { ...row.cells };
  let data = row.data;
  for (const cell of change.cells) {
    cells[cell.columnId] = {
      taskId: cell.taskId,
      status: cell.status,
      ...(cell.confidence !== null ? { confidence: cell.confidence } : {}),
      ...(cell.error !== null ? { error: cell.error } : {}),
      ...(cell.provider ? { provider: cell.provider } : {}),
    };
    const key = keyOf(cell.columnId);
    if (cell.status === "done" && key && isCellValue(cell.value) && readOwn(data, key) !== cell.value) {
      data = { ...data, [key]: cell.value };
    }
  }
  const status = (change.row?.status as RowDto["status"] | undefined) ?? row.status;
  return {
    ...row,
    data,
    cells,
    status,
    confidence: change.row ? change.row.confidence : row.confidence,
    error: change.row ? change.row.error : row.error,
  };
}

/** The block with the changes applied; the same object when none of its rows changed. */
export function applyChanges(
  page: RowPage,
  changes: RowChanges,
  keyOf: (columnId: string) => string | undefined,
): RowPage {
  let next: RowDto[] | undefined;
  page.data.forEach((row, i) => {
    const change = changes.get(row.id);
    if (!change) return;
    next ??= page.data.slice();
    next[i] = patchRow(row, change, keyOf);
  });
  return next ? { ...page, data: next } : page;
}

/** A cell's key in a snapshot of task ids (taskIdsOf). */
export const cellKey = (rowId: string, columnId: string) => `${rowId}\u001f${columnId}`;

/** The task id each of `cells` shows in `page` ("" for none), to tell later whether it changed. */
export function taskIdsOf(page: RowPage, cells: (rowId: string) => string[] | undefined, into: Map<string, string>) {
  for (const row of page.data) {
    for (const columnId of cells(row.id) ?? []) into.set(cellKey(row.id, columnId), row.cells[columnId]?.taskId ?? "");
  }
}

/**
 * Marks cells queued at once after an enrich request, before the first poll confirms it: only
 * those still showing the task they showed when the request was sent (`before`). A state the
 * live stream delivered meanwhile (the new task already running, or done) is newer than this
 * guess and stays; so does a window read since, which came from the server.
 */
export function markQueued(page: RowPage, cells: Map<string, string[]>, before: Map<string, string>): RowPage {
  let next: RowDto[] | undefined;
  page.data.forEach((row, i) => {
    const columnIds = cells.get(row.id)?.filter((c) => before.get(cellKey(row.id, c)) === (row.cells[c]?.taskId ?? ""));
    if (!columnIds?.length) return;
    next ??= page.data.slice();
    const states: CellStates = { ...row.cells };
    for (const columnId of columnIds) states[columnId] = { taskId: states[columnId]?.taskId ?? "", status: "queued" };
    next[i] = { ...row, cells: states, status: "queued" };
  });
  return next ? { ...page, data: next } : page;
}

/** Merges edited values into a row of the block (null clears the key, as the API does). */
export function patchRowData(page: RowPage, rowId: string, data: RowData): RowPage {
  const index = page.data.findIndex((row) => row.id === rowId);
  if (index === -1) return page;
  const row = page.data[index];
  const merged: RowData = { ...row.data };
  for (const [key, value] of Object.entries(data)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  const next = page.data.slice();
  next[index] = { ...row, data: merged };
  return { ...page, data: next };
}
