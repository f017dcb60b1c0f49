import { type MouseEvent, useEffect, useRef } from "react";
import { dragTo, type GridSelection, type Pos, selectCell, selectColumn, selectRow } from "@/lib/client/grid-selection";

export type GridPointerActions = {
  update: (fn: (selection: GridSelection) => GridSelection) => void;
  isSelected: (pos: Pos) => boolean;
  startEdit: (pos: Pos) => void;
  openCellMenu: (x: number, y: number) => void;
  openColumnMenu: (col: number, x: number, y: number) => void;
  focusGrid: () => void;
};

function target(event: MouseEvent, selector: string): HTMLElement | null {
  return (event.target as HTMLElement).closest<HTMLElement>(selector);
}

function cellPos(event: MouseEvent): Pos | null {
  const cell = target(event, "td[data-row]");
  return cell ? { row: Number(cell.dataset.row), col: Number(cell.dataset.col) } : null;
}

/**
 * Mouse selection by event delegation on the grid (no handler per cell, so rows stay
 * memoized): click, Shift+click, Ctrl/Cmd+click, drag, header and row-number clicks,
 * double-click to edit, right-click for the menu.
 */
export function useGridPointer(actions: GridPointerActions) {
  const dragging = useRef(false);
  useEffect(() => {
    const stop = () => {
      dragging.current = false;
    };
    window.addEventListener("mouseup", stop);
    return () => window.removeEventListener("mouseup", stop);
  }, []);

  const onMouseDown = (event: MouseEvent) => {
    if (target(event, "[data-column-menu], [data-resize-handle], input, [role=menu]")) return;
    const mods = { shift: event.shiftKey, toggle: event.ctrlKey || event.metaKey };
    const header = target(event, "[data-header]");
    const gutter = target(event, "[data-gutter]");
    const pos = cellPos(event);
    if (header) actions.update((s) => selectColumn(s, Number(header.dataset.col), mods));
    else if (gutter) actions.update((s) => selectRow(s, Number(gutter.dataset.row), mods));
    else if (pos && event.button === 2) {
      if (!actions.isSelected(pos)) actions.update((s) => selectCell(s, pos));
    } else if (pos) {
      actions.update((s) => selectCell(s, pos, mods));
      dragging.current = event.button === 0 && !event.shiftKey;
    } else return;
    event.preventDefault();
    actions.focusGrid();
  };

  const onMouseOver = (event: MouseEvent) => {
    if (!dragging.current) return;
    const pos = cellPos(event);
    if (pos) actions.update((s) => dragTo(s, pos));
  };

  const onClick = (event: MouseEvent) => {
    const button = target(event, "[data-column-menu]");
    if (!button) return;
    const rect = button.getBoundingClientRect();
    actions.openColumnMenu(Number(button.dataset.columnMenu), rect.left, rect.bottom + 4);
  };

  const onDoubleClick = (event: MouseEvent) => {
    const pos = cellPos(event);
    if (pos) actions.startEdit(pos);
  };

  const onContextMenu = (event: MouseEvent) => {
    if (!cellPos(event) && !target(event, "[data-gutter]")) return;
    event.preventDefault();
    actions.openCellMenu(event.clientX, event.clientY);
  };

  return { onMouseDown, onMouseOver, onClick, onDoubleClick, onContextMenu };
}
