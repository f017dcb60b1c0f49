// Spreadsheet selection in index space (row index × column index), independent of which
// rows are loaded: a range is two corners plus a kind, so a whole column stays whole as
// rows arrive. The last range is the one Shift extends; `active` is the focused cell.

export type Pos = { row: number; col: number };
export type RangeKind = "cells" | "rows" | "columns";
export type CellRange = { kind: RangeKind; anchor: Pos; focus: Pos };
export type GridSelection = { ranges: CellRange[]; active: Pos | null };
export type Dims = { rows: number; cols: number };
/** Inclusive bounds. */
export type Rect = { top: number; bottom: number; left: number; right: number };
export type Direction = "up" | "down" | "left" | "right";
export type Modifiers = { shift?: boolean; toggle?: boolean };

export const emptySelection: GridSelection = { ranges: [], active: null };

const clamp = (value: number, max: number) => Math.max(0, Math.min(value, max));

export function rectOf(range: CellRange, dims: Dims): Rect {
  const rows = range.kind === "columns" ? [0, dims.rows - 1] : [range.anchor.row, range.focus.row];
  const cols = range.kind === "rows" ? [0, dims.cols - 1] : [range.anchor.col, range.focus.col];
  return {
    top: Math.min(rows[0], rows[1]),
    bottom: Math.max(rows[0], rows[1]),
    left: Math.min(cols[0], cols[1]),
    right: Math.max(cols[0], cols[1]),
  };
}

export function rectsOf(selection: GridSelection, dims: Dims): Rect[] {
  if (dims.rows <= 0 || dims.cols <= 0) return [];
  return selection.ranges
    .map((r) => rectOf(r, dims))
    .map((r) => ({
      top: r.top,
      bottom: Math.min(r.bottom, dims.rows - 1),
      left: r.left,
      right: Math.min(r.right, dims.cols - 1),
    }))
    .filter((r) => r.top <= r.bottom && r.left <= r.right);
}

/** Click: one cell. Shift: extend the last range to it. Ctrl/Cmd: add it as a new range. */
export function selectCell(selection: GridSelection, pos: Pos, mods: Modifiers = {}): GridSelection {
  const last = selection.ranges.at(-1);
  if (mods.shift && last && selection.active) {
    const anchor = last.kind === "cells" ? last.anchor : selection.active;
    return { ...selection, ranges: [...selection.ranges.slice(0, -1), { kind: "cells", anchor, focus: pos }] };
  }
  const range: CellRange = { kind: "cells", anchor: pos, focus: pos };
  return { ranges: mods.toggle ? [...selection.ranges, range] : [range], active: pos };
}

/** A drag moves the focus corner of the range the drag started. */
export function dragTo(selection: GridSelection, pos: Pos): GridSelection {
  const last = selection.ranges.at(-1);
  if (!last) return selectCell(selection, pos);
  if (last.focus.row === pos.row && last.focus.col === pos.col) return selection;
  const focus = { row: last.kind === "columns" ? 0 : pos.row, col: last.kind === "rows" ? 0 : pos.col };
  return { ...selection, ranges: [...selection.ranges.slice(0, -1), { ...last, focus }] };
}

function selectLine(selection: GridSelection, kind: "rows" | "columns", index: number, mods: Modifiers): GridSelection {
  const pos = kind === "rows" ? { row: index, col: 0 } : { row: 0, col: index };
  const last = selection.ranges.at(-1);
  if (mods.shift && last?.kind === kind) {
    return { ...selection, ranges: [...selection.ranges.slice(0, -1), { ...last, focus: pos }] };
  }
  const range: CellRange = { kind, anchor: pos, focus: pos };
  return { ranges: mods.toggle ? [...selection.ranges, range] : [range], active: pos };
}

export const selectRow = (s: GridSelection, row: number, mods: Modifiers = {}) => selectLine(s, "rows", row, mods);
export const selectColumn = (s: GridSelection, col: number, mods: Modifiers = {}) =>
  selectLine(s, "columns", col, mods);

export function selectAll(dims: Dims): GridSelection {
  if (dims.rows === 0 || dims.cols === 0) return emptySelection;
  return {
    ranges: [{ kind: "cells", anchor: { row: 0, col: 0 }, focus: { row: dims.rows - 1, col: dims.cols - 1 } }],
    active: { row: 0, col: 0 },
  };
}

function step(pos: Pos, direction: Direction, dims: Dims, jump: boolean): Pos {
  const lastRow = dims.rows - 1;
  const lastCol = dims.cols - 1;
  switch (direction) {
    case "up":
      return { row: jump ? 0 : clamp(pos.row - 1, lastRow), col: pos.col };
    case "down":
      return { row: jump ? lastRow : clamp(pos.row + 1, lastRow), col: pos.col };
    case "left":
      return { row: pos.row, col: jump ? 0 : clamp(pos.col - 1, lastCol) };
    case "right":
      return { row: pos.row, col: jump ? lastCol : clamp(pos.col + 1, lastCol) };
  }
}

/** Arrow keys: move the active cell (by one, or to the edge with `jump`) and select only it. */
export function moveActive(selection: GridSelection, direction: Direction, dims: Dims, jump = false): GridSelection {
  if (dims.rows === 0 || dims.cols === 0) return selection;
  const pos = selection.active ? step(selection.active, direction, dims, jump) : { row: 0, col: 0 };
  return { ranges: [{ kind: "cells", anchor: pos, focus: pos }], active: pos };
}

/** Moves the active cell to an absolute position (Home/End/PageDown) and selects only it. */
export function moveTo(dims: Dims, pos: Pos): GridSelection {
  const target = { row: clamp(pos.row, dims.rows - 1), col: clamp(pos.col, dims.cols - 1) };
  return { ranges: [{ kind: "cells", anchor: target, focus: target }], active: target };
}

/** Shift+arrows: move the focus corner of the last range; the active cell stays put. */
export function extendActive(selection: GridSelection, direction: Direction, dims: Dims, jump = false): GridSelection {
  const last = selection.ranges.at(-1);
  if (!last || !selection.active) return moveActive(selection, direction, dims, jump);
  const rect = rectOf(last, dims);
  const from = last.kind === "cells" ? last.focus : { row: rect.bottom, col: rect.right };
  const anchor = last.kind === "cells" ? last.anchor : { row: rect.top, col: rect.left };
  const focus = step(from, direction, dims, jump);
  return { ...selection, ranges: [...selection.ranges.slice(0, -1), { kind: "cells", anchor, focus }] };
}

export function isSelected(selection: GridSelection, row: number, col: number, dims: Dims): boolean {
  return rectsOf(selection, dims).some((r) => row >= r.top && row <= r.bottom && col >= r.left && col <= r.right);
}

/** Merges overlapping or touching inclusive intervals. */
export function mergeIntervals(intervals: [number, number][]): [number, number][] {
  const sorted = intervals.slice().sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = out.at(-1);
    if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

/**
 * The selected columns of one row as a string like "1-3,5-5" ("" when none): a cheap,
 * comparable prop, so a selection change re-renders only the rows whose cells it touches.
 */
export function rowSelectionKey(rects: Rect[], row: number): string {
  const spans = rects.filter((r) => row >= r.top && row <= r.bottom).map((r): [number, number] => [r.left, r.right]);
  return mergeIntervals(spans)
    .map(([a, b]) => `${a}-${b}`)
    .join(",");
}

export function inSelectionKey(key: string, col: number): boolean {
  if (key === "") return false;
  for (const span of key.split(",")) {
    const dash = span.indexOf("-");
    if (col >= Number(span.slice(0, dash)) && col <= Number(span.slice(dash + 1))) return true;
  }
  return false;
}

/** Number of distinct selected cells (overlaps counted once): sweep over column boundaries. */
export function countCells(rects: Rect[]): number {
  if (rects.length === 0) return 0;
  if (rects.length === 1) return (rects[0].bottom - rects[0].top + 1) * (rects[0].right - rects[0].left + 1);
  const edges = [...new Set(rects.flatMap((r) => [r.left, r.right + 1]))].sort((a, b) => a - b);
  let total = 0;
  for (let i = 0; i < edges.length - 1; i++) {
    const [from, to] = [edges[i], edges[i + 1]];
    const covering = rects
      .filter((r) => r.left <= from && r.right + 1 >= to)
      .map((r): [number, number] => [r.top, r.bottom]);
    const rows = mergeIntervals(covering).reduce((sum, [a, b]) => sum + b - a + 1, 0);
    total += rows * (to - from);
  }
  return total;
}

/** Distinct rows touched by the selection, as merged intervals. */
export const selectedRowIntervals = (rects: Rect[]) =>
  mergeIntervals(rects.map((r): [number, number] => [r.top, r.bottom]));
/** Distinct columns touched by the selection, as merged intervals. */
export const selectedColIntervals = (rects: Rect[]) =>
  mergeIntervals(rects.map((r): [number, number] => [r.left, r.right]));
export const intervalLength = (intervals: [number, number][]) => intervals.reduce((sum, [a, b]) => sum + b - a + 1, 0);
