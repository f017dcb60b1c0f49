import type { ClipboardEvent } from "react";
import { cellValueOf } from "@/lib/client/cell-value";
import type { Dims, Rect } from "@/lib/client/grid-selection";
import { parseTsv, pasteOverflow, pasteTargets, toTsv } from "@/lib/client/grid-tsv";
import type { ColumnDto } from "@/lib/columns/serialize";
import type { RowDto } from "@/lib/rows/serialize";
import type { CellWrite, PasteOverflow } from "./use-row-edits";

/** Copies at most this many rows (those never loaded are fetched first). */
const MAX_COPY_ROWS = 5_000;

/**
 * Copy writes the selection's bounding block as TSV (unselected cells inside it empty);
 * paste writes clipboard TSV at the selection's top-left (or fills it with a single value);
 * lines past the last row become new rows, and columns past the last column are reported.
 */
export function gridClipboard({
  rects,
  dims,
  columns,
  rowAt,
  loadRows,
  write,
  fail,
}: {
  rects: Rect[];
  dims: Dims;
  columns: ColumnDto[];
  rowAt: (index: number) => RowDto | undefined;
  /** The rows from `first` to `last` of the view, fetched where they were never loaded. */
  loadRows: (first: number, last: number) => Promise<Map<number, RowDto>>;
  write: (writes: CellWrite[], label: string, overflow?: PasteOverflow) => void;
  fail: (message: string) => void;
}) {
  const bounds = rects.length
    ? {
        top: Math.min(...rects.map((r) => r.top)),
        bottom: Math.max(...rects.map((r) => r.bottom)),
        left: Math.min(...rects.map((r) => r.left)),
        right: Math.max(...rects.map((r) => r.right)),
      }
    : null;

  const copy = async () => {
    if (!bounds) return;
    if (bounds.bottom - bounds.top + 1 > MAX_COPY_ROWS)
      return fail(`Copy at most ${MAX_COPY_ROWS.toLocaleString("en-US")} rows at once.`);
    // Rows never scrolled into view are fetched first (at most MAX_COPY_ROWS of them).
    let loaded: Map<number, RowDto> | undefined;
    for (let r = bounds.top; r <= bounds.bottom && !loaded; r++) {
      if (!rowAt(r)) {
        try {
          loaded = await loadRows(bounds.top, bounds.bottom);
        } catch {
          return fail("The selected rows could not be loaded; try again.");
        }
      }
    }
    const lines: unknown[][] = [];
    for (let r = bounds.top; r <= bounds.bottom; r++) {
      const row = rowAt(r) ?? loaded?.get(r);
      if (!row) return fail("Some of the selected rows are no longer in the view; copy again.");
      const line: unknown[] = [];
      for (let c = bounds.left; c <= bounds.right; c++) {
        const inside = rects.some((x) => r >= x.top && r <= x.bottom && c >= x.left && c <= x.right);
        line.push(inside ? cellValueOf(row.data, columns[c].key) : "");
      }
      lines.push(line);
    }
    try {
      await navigator.clipboard.writeText(toTsv(lines));
    } catch {
      fail("The browser did not allow writing to the clipboard.");
    }
  };

  const onPaste = (event: ClipboardEvent) => {
    if ((event.target as HTMLElement).closest("input, textarea")) return;
    const last = rects.at(-1);
    if (!last) return;
    event.preventDefault();
    const values = parseTsv(event.clipboardData.getData("text/plain"));
    if (values.length === 0) return;
    write(pasteTargets(values, last, dims), "Pasted into", pasteOverflow(values, last, dims));
  };

  const clear = () => {
    const writes: CellWrite[] = [];
    for (const r of rects) {
      for (let row = r.top; row <= r.bottom && writes.length <= 100_000; row++) {
        for (let col = r.left; col <= r.right; col++) writes.push({ row, col, value: null });
      }
    }
    write(writes, "Cleared");
  };

  return { copy, onPaste, clear };
}
