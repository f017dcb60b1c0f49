import { useCallback, useRef, useState } from "react";
import { cellValueOf } from "@/lib/client/cell-value";
import { type Dims, type GridSelection, moveActive, moveTo, type Pos } from "@/lib/client/grid-selection";
import type { ColumnDto } from "@/lib/columns/serialize";
import type { RowDto } from "@/lib/rows/serialize";
import type { EditEnd } from "./cell-editor";
import { tabTarget } from "./grid-keyboard";
import type { CellWrite } from "./use-row-edits";

export type Editing = { row: number; cell: { col: number; initial: string } } | null;

/**
 * In-cell editing: which cell is open, and what committing or cancelling does (save when
 * changed, move the active cell like a spreadsheet, give the keyboard back to the grid).
 * Callbacks are stable, so memoized rows do not re-render for them.
 */
export function useCellEditing({
  rowAt,
  columns,
  dims,
  write,
  onSelectionChange,
  focusGrid,
  scrollTo,
}: {
  rowAt: (index: number) => RowDto | undefined;
  columns: ColumnDto[];
  dims: Dims;
  write: (writes: CellWrite[]) => void;
  onSelectionChange: (update: (selection: GridSelection) => GridSelection) => void;
  focusGrid: () => void;
  /** Brings a cell into view (the one Enter or Tab moves to after an edit). */
  scrollTo: (pos: Pos) => void;
}) {
  const [editing, setEditing] = useState<Editing>(null);
  const latest = useRef({ editing, rowAt, columns, dims, write });
  latest.current = { editing, rowAt, columns, dims, write };

  const startEdit = useCallback((pos: Pos, initial?: string) => {
    const { rowAt, columns } = latest.current;
    const row = rowAt(pos.row);
    const column = columns[pos.col];
    if (!row || !column) return;
    const value = cellValueOf(row.data, column.key);
    const text = value === null || value === undefined ? "" : String(value);
    setEditing({ row: pos.row, cell: { col: pos.col, initial: initial ?? text } });
  }, []);

  const onCommit = useCallback(
    (value: string, then: EditEnd) => {
      const { editing, rowAt, columns, dims, write } = latest.current;
      setEditing(null);
      if (!editing) return;
      const key = columns[editing.cell.col]?.key;
      const before = key === undefined ? undefined : cellValueOf(rowAt(editing.row)?.data, key);
      if (String(before ?? "") !== value) write([{ row: editing.row, col: editing.cell.col, value }]);
      if (then !== "none") {
        // The cell the edit was in is the active one: the next is one step from it, brought into view.
        // Tab goes on to the next row at the last column, as it does outside the editor.
        const at = { row: editing.row, col: editing.cell.col };
        const moved =
          then === "down"
            ? moveActive({ ranges: [], active: at }, "down", dims)
            : moveTo(dims, tabTarget(at, dims, then === "previous") ?? at);
        onSelectionChange(() => moved);
        if (moved.active) scrollTo(moved.active);
      }
      focusGrid();
    },
    [onSelectionChange, focusGrid, scrollTo],
  );

  const onCancel = useCallback(() => {
    setEditing(null);
    focusGrid();
  }, [focusGrid]);

  return { editing, startEdit, onCommit, onCancel };
}
