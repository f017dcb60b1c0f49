"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useEffectEvent, useMemo, useRef, useState } from "react";
import type { ColumnDto } from "@/lib/client/fetchers";
import {
  type GridSelection,
  isSelected,
  rectOf,
  rectsOf,
  rowSelectionKey,
  selectedRowIntervals,
} from "@/lib/client/grid-selection";
import { resolveRows } from "@/lib/client/resolve-row-ids";
import type { ViewQuery } from "@/lib/client/view-query";
import { filterColumns } from "@/lib/views/filter-columns";
import { useToast } from "../ui/toast-provider";
import { CellMenu } from "./cell-menu";
import { ColumnMenu, type ColumnMenuActions } from "./column-menu";
import { FastScrollOverlay } from "./fast-scroll-overlay";
import { gridClipboard } from "./grid-clipboard";
import { GridHeader } from "./grid-header";
import { gridKeyHandler } from "./grid-keyboard";
import { useGridPermissions } from "./grid-permissions";
import { GridRow } from "./grid-row";
import { useCellEditing } from "./use-cell-editing";
import { useColumnSizing } from "./use-column-sizing";
import { useFollowActiveRow } from "./use-follow-active-row";
import { useGridPointer } from "./use-grid-pointer";
import { useGridTable } from "./use-grid-table";
import { useGridVirtual } from "./use-grid-virtual";
import { useRowBlocks } from "./use-row-blocks";
import { useRowEdits } from "./use-row-edits";

type Menu = { kind: "cell"; x: number; y: number } | { kind: "column"; col: number; x: number; y: number } | null;

export function DataGrid({
  tableId,
  tableName,
  columns,
  rowCount,
  ready,
  view,
  columnWidths,
  onColumnWidths,
  selection,
  onSelectionChange,
  onEnrich,
  enrichLabel,
  onInspectCell,
  inspecting = null,
  columnActions,
  revealColumnId = null,
  focusRequest = 0,
}: {
  tableId: string;
  tableName: string;
  /** The columns shown, in order. */
  columns: ColumnDto[];
  /** Rows in the view. */
  rowCount: number;
  ready: boolean;
  view: ViewQuery;
  columnWidths: Record<string, number>;
  onColumnWidths: (widths: Record<string, number>) => void;
  selection: GridSelection;
  onSelectionChange: (update: (selection: GridSelection) => GridSelection) => void;
  onEnrich: (selection?: GridSelection) => void;
  enrichLabel: string;
  /** "Why this value?" for a cell. */
  onInspectCell: (cell: { rowId: string; columnId: string; columnLabel: string }) => void;
  /** The cell "Why this value?" shows, if it is open. */
  inspecting?: { rowId: string; columnId: string } | null;
  columnActions: ColumnMenuActions;
  /** A column to scroll into view once it is shown (one just added, at the far right). */
  revealColumnId?: string | null;
  /** Changed (or non-zero when the grid appears) to move the keyboard focus into the grid. */
  focusRequest?: number;
}) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [menu, setMenu] = useState<Menu>(null);
  const dims = useMemo(() => ({ rows: rowCount, cols: columns.length }), [rowCount, columns.length]);
  const sizing = useColumnSizing(columns, columnWidths, onColumnWidths);
  const {
    virtualRows,
    rowsBase,
    rowsOffset,
    totalHeight,
    totalWidth,
    colWindow,
    firstVisible,
    fast,
    loadRange,
    scrollTo,
  } = useGridVirtual(scrollRef, sizing.list, rowCount);
  const { rows, rowAt, indexOf } = useRowBlocks(tableId, view, rowCount, loadRange, ready);
  useFollowActiveRow({ selection, onSelectionChange, rowAt, indexOf, rows });
  // Once per column to reveal, when it is first shown: the person may scroll away after.
  const revealAt = revealColumnId ? columns.findIndex((c) => c.id === revealColumnId) : -1;
  const revealed = useRef<string | null>(null);
  const reveal = useRef(() => {});
  reveal.current = () => scrollTo({ row: firstVisible, col: revealAt });
  useEffect(() => {
    if (revealAt < 0 || revealed.current === revealColumnId) return;
    revealed.current = revealColumnId;
    reveal.current();
  }, [revealAt, revealColumnId]);
  const table = useGridTable(columns, rows, sizing.sizing, sizing.onSizing);
  const sortOf = useCallback((key: string) => view.sort.find((s) => s.column === key)?.direction, [view.sort]);
  const filteredKeys = useMemo(() => filterColumns(view.filter), [view.filter]);
  const rowsById = table.getRowModel().rowsById;

  const rects = useMemo(() => rectsOf(selection, dims), [selection, dims]);
  const wholeColumns = useMemo(() => {
    const set = new Set<number>();
    for (const range of selection.ranges) {
      if (range.kind !== "columns") continue;
      const r = rectOf(range, dims);
      for (let c = r.left; c <= r.right; c++) set.add(c);
    }
    return set;
  }, [selection, dims]);

  const { writeCells, deleteRows, undo, redo } = useRowEdits(tableId, columns, view);
  const { canWrite, canEnrich } = useGridPermissions();
  const focusGrid = useCallback(
    () => scrollRef.current?.querySelector<HTMLElement>("table")?.focus({ preventScroll: true }),
    [],
  );
  useEffect(() => {
    if (focusRequest > 0) focusGrid();
  }, [focusRequest, focusGrid]);
  const { editing, startEdit, onCommit, onCancel } = useCellEditing({
    rowAt,
    columns,
    dims,
    write: (writes) => (canWrite ? writeCells.mutate({ writes }) : undefined),
    onSelectionChange,
    focusGrid,
    scrollTo,
  });
  const selectionRef = useRef(selection);
  selectionRef.current = selection;

  const clipboard = gridClipboard({
    rects,
    dims,
    columns,
    rowAt,
    loadRows: (first, last) => resolveRows(queryClient, tableId, view, [[first, last]]),
    write: (writes, label, overflow) =>
      canWrite
        ? writeCells.mutate({ writes, label, overflow })
        : toast.show({ kind: "error", title: "You can read this table but not change it" }),
    fail: (message) => toast.show({ kind: "error", title: message }),
  });
  const onKeyDown = gridKeyHandler(selection, dims, Math.max(1, virtualRows.length - 12), {
    select: (next, pos) => {
      onSelectionChange(() => next);
      if (pos) scrollTo(pos);
    },
    startEdit: canWrite ? startEdit : () => {},
    enrich: () => (canEnrich ? onEnrich() : undefined),
    copy: () => void clipboard.copy(),
    clear: clipboard.clear,
    undo: canWrite ? undo : () => {},
    redo: canWrite ? redo : () => {},
  });
  const pointer = useGridPointer({
    update: onSelectionChange,
    isSelected: (pos) => isSelected(selectionRef.current, pos.row, pos.col, dims),
    startEdit: canWrite ? startEdit : () => {},
    openCellMenu: (x, y) => setMenu({ kind: "cell", x, y }),
    openColumnMenu: (col, x, y) => setMenu({ kind: "column", col, x, y }),
    focusGrid,
  });
  const closeMenu = useCallback(() => setMenu(null), []);
  const active = selection.active;
  const activeRow = active ? rowAt(active.row) : undefined;
  const activeColumn = active ? columns[active.col] : undefined;
  // Any cell can say why it holds its value: enriched, edited by hand, or never enriched.
  const explainable = activeRow && activeColumn ? { activeRow, activeColumn } : null;
  // "Why this value?" open: it follows the active cell as the selection moves.
  const follow = useEffectEvent((cell: { rowId: string; columnId: string; columnLabel: string }) =>
    onInspectCell(cell),
  );
  const activeRowId = activeRow?.id;
  useEffect(() => {
    if (!inspecting || !activeRowId || !activeColumn) return;
    if (inspecting.rowId === activeRowId && inspecting.columnId === activeColumn.id) return;
    follow({ rowId: activeRowId, columnId: activeColumn.id, columnLabel: activeColumn.label });
  }, [inspecting, activeRowId, activeColumn]);

  return (
    <div className="relative min-h-0 min-w-0 flex-1">
      <div
        ref={scrollRef}
        className="absolute inset-0 overflow-auto overscroll-contain bg-white has-[table:focus-visible]:ring-2 has-[table:focus-visible]:ring-blue-500/40 has-[table:focus-visible]:ring-inset"
      >
        <table
          // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: a spreadsheet is an ARIA grid; inside it td and th take the gridcell and header roles
          role="grid"
          aria-label={tableName}
          aria-rowcount={rowCount + 1}
          aria-colcount={columns.length + 1}
          aria-multiselectable="true"
          aria-activedescendant={active && !editing ? `cell-${active.row}-${active.col}` : undefined}
          tabIndex={0}
          onKeyDown={onKeyDown}
          onPaste={clipboard.onPaste}
          {...pointer}
          className="relative block border-separate border-spacing-0 outline-none"
          // A scaled table's rows must not make the scroll area taller than its height (scaled-scroll.ts).
          style={{ width: totalWidth, height: totalHeight, ...(rowsOffset ? { overflow: "clip" } : {}) }}
        >
          <GridHeader
            table={table}
            columns={columns}
            colWindow={colWindow}
            width={totalWidth}
            selectedColumns={wholeColumns}
            sortOf={sortOf}
            filteredKeys={filteredKeys}
          />
          <tbody
            className="block"
            // Moved (scaled tables only), it places its rows from the table's top, as the table does.
            style={
              rowsOffset
                ? { position: "absolute", top: 0, left: 0, transform: `translateY(${rowsOffset}px)` }
                : undefined
            }
          >
            {fast
              ? null
              : virtualRows.map((item) => {
                  const row = rowAt(item.index);
                  return (
                    <GridRow
                      key={item.index}
                      index={item.index}
                      top={item.start - rowsBase}
                      width={totalWidth}
                      row={row}
                      tableRow={row ? rowsById[row.id] : undefined}
                      columns={columns}
                      colWindow={colWindow}
                      selectionKey={rowSelectionKey(rects, item.index)}
                      activeCol={active?.row === item.index ? active.col : -1}
                      editing={editing?.row === item.index ? editing.cell : null}
                      onCommit={onCommit}
                      onCancel={onCancel}
                    />
                  );
                })}
          </tbody>
        </table>
      </div>
      {fast ? <FastScrollOverlay firstRow={firstVisible} rowCount={rowCount} /> : null}
      {menu?.kind === "cell" ? (
        <CellMenu
          x={menu.x}
          y={menu.y}
          rects={rects}
          onClose={closeMenu}
          onEnrich={canEnrich ? () => onEnrich() : undefined}
          onCopy={() => void clipboard.copy()}
          onClear={canWrite ? clipboard.clear : undefined}
          onExplain={
            explainable
              ? () =>
                  onInspectCell({
                    rowId: explainable.activeRow.id,
                    columnId: explainable.activeColumn.id,
                    columnLabel: explainable.activeColumn.label,
                  })
              : undefined
          }
          onDeleteRows={
            canWrite
              ? () => {
                  // Cleared before the rows go: a selection of positions left in place while the
                  // count refreshes would ask the estimate for the deleted rows' ids.
                  const intervals = selectedRowIntervals(rects);
                  onSelectionChange(() => ({ ranges: [], active: null }));
                  deleteRows.mutate(intervals);
                }
              : undefined
          }
        />
      ) : null}
      {menu?.kind === "column" ? (
        <ColumnMenu
          x={menu.x}
          y={menu.y}
          col={menu.col}
          columns={columns}
          enrichLabel={enrichLabel}
          actions={columnActions}
          onClose={closeMenu}
        />
      ) : null}
    </div>
  );
}
