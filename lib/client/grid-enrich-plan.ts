import {
  countCells,
  type Dims,
  type GridSelection,
  intervalLength,
  type Pos,
  rectsOf,
  selectedColIntervals,
  selectedRowIntervals,
} from "./grid-selection";

/** The API's cap on cells per job (lib/enrichment/policy.ts MAX_CELLS_PER_JOB). */
export const MAX_CELLS_PER_JOB = 2_000_000;

export type EnrichPlan =
  | { mode: "empty" }
  | { mode: "too-large"; cells: number }
  /** Whole columns: grid mode with rowIds "all". */
  | { mode: "columns"; cols: number[]; cells: number }
  /** A product of rows × columns (one rectangle, or rows/columns picked with Ctrl): grid mode. */
  | { mode: "grid"; cols: number[]; rows: [number, number][]; cells: number }
  /** Any other shape: explicit cells. */
  | { mode: "cells"; cells: Pos[] };

const expand = (intervals: [number, number][]) =>
  intervals.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i));

/**
 * How a selection goes to POST /enrich: whole columns as "all rows", a rows × columns
 * product as grid mode, anything else as explicit cellIds. In index space; the caller
 * resolves indices to ids.
 */
export function planEnrich(selection: GridSelection, dims: Dims): EnrichPlan {
  const rects = rectsOf(selection, dims);
  if (rects.length === 0) return { mode: "empty" };
  const colIntervals = selectedColIntervals(rects);
  const cols = expand(colIntervals);
  if (selection.ranges.every((r) => r.kind === "columns"))
    return { mode: "columns", cols, cells: cols.length * dims.rows };
  const cells = countCells(rects);
  if (cells > MAX_CELLS_PER_JOB) return { mode: "too-large", cells };
  const rowIntervals = selectedRowIntervals(rects);
  if (cells === intervalLength(rowIntervals) * cols.length) return { mode: "grid", cols, rows: rowIntervals, cells };
  const seen = new Set<number>();
  const out: Pos[] = [];
  for (const r of rects) {
    for (let row = r.top; row <= r.bottom; row++) {
      for (let col = r.left; col <= r.right; col++) {
        const key = row * dims.cols + col;
        if (!seen.has(key)) {
          seen.add(key);
          out.push({ row, col });
        }
      }
    }
  }
  out.sort((a, b) => a.row - b.row || a.col - b.col);
  return { mode: "cells", cells: out };
}
