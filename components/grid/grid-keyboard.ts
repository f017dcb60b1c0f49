import type { KeyboardEvent } from "react";
import {
  type Dims,
  type Direction,
  extendActive,
  type GridSelection,
  moveActive,
  moveTo,
  type Pos,
  selectAll,
} from "@/lib/client/grid-selection";

const ARROWS: Record<string, Direction> = { ArrowUp: "up", ArrowDown: "down", ArrowLeft: "left", ArrowRight: "right" };

export type GridKeyActions = {
  select: (next: GridSelection, scrollTo?: Pos) => void;
  startEdit: (pos: Pos, initial?: string) => void;
  enrich: () => void;
  copy: () => void;
  clear: () => void;
  undo: () => void;
  redo: () => void;
};

/**
 * Spreadsheet keys on the focused grid: arrows move (Shift extends, Ctrl/Cmd jumps to the
 * edge), Tab/Shift+Tab, Home/End, PageUp/PageDown, Enter/F2 or typing edits, Delete clears, Ctrl/Cmd+A
 * selects all, Ctrl/Cmd+C copies, Ctrl/Cmd+E enriches, Ctrl/Cmd+Z undoes the last edit and
 * Ctrl/Cmd+Shift+Z or Ctrl+Y redoes it.
 */
export function gridKeyHandler(selection: GridSelection, dims: Dims, pageRows: number, actions: GridKeyActions) {
  return (event: KeyboardEvent<HTMLElement>) => {
    if ((event.target as HTMLElement).closest("input, textarea, button, [role=menu]")) return;
    const mod = event.ctrlKey || event.metaKey;
    const active = selection.active;
    const direction = ARROWS[event.key];
    const tab = event.key === "Tab" && !mod && !event.altKey && active ? tabTarget(active, dims, event.shiftKey) : null;
    let handled = true;
    if (direction) {
      const next = event.shiftKey
        ? extendActive(selection, direction, dims, mod)
        : moveActive(selection, direction, dims, mod);
      actions.select(
        next,
        event.shiftKey ? (next.ranges.at(-1)?.focus ?? next.active ?? undefined) : (next.active ?? undefined),
      );
    } else if (mod && event.key.toLowerCase() === "e") {
      actions.enrich();
    } else if (mod && event.key.toLowerCase() === "a") {
      actions.select(selectAll(dims));
    } else if (mod && event.key.toLowerCase() === "c") {
      actions.copy();
    } else if (mod && event.key.toLowerCase() === "z") {
      if (event.shiftKey) actions.redo();
      else actions.undo();
    } else if (mod && event.key.toLowerCase() === "y") {
      actions.redo();
    } else if (event.key === "Home" || event.key === "End") {
      const target = {
        row: mod ? (event.key === "Home" ? 0 : dims.rows - 1) : (active?.row ?? 0),
        col: event.key === "Home" ? 0 : dims.cols - 1,
      };
      actions.select(moveTo(dims, target), target);
    } else if (event.key === "PageDown" || event.key === "PageUp") {
      const delta = event.key === "PageDown" ? pageRows : -pageRows;
      const target = { row: Math.max(0, Math.min(dims.rows - 1, (active?.row ?? 0) + delta)), col: active?.col ?? 0 };
      actions.select(moveTo(dims, target), target);
    } else if (tab) {
      // Tab moves to the next cell (Shift+Tab the previous one), on to the next row at the
      // end of one; past the grid's last (or before its first) cell it leaves the grid.
      actions.select(moveTo(dims, tab), tab);
    } else if ((event.key === "Enter" || event.key === "F2") && active) {
      actions.startEdit(active);
    } else if ((event.key === "Delete" || event.key === "Backspace") && active) {
      actions.clear();
    } else if (event.key === "Escape" && active && !isOnlyCell(selection, active)) {
      // Collapses a selection to its active cell; with nothing to collapse, Escape is left to
      // what else is open (the side panel closes on it).
      actions.select(moveTo(dims, active));
    } else if (event.key.length === 1 && !mod && !event.altKey && active) {
      // Typing over a cell replaces its value, as in a spreadsheet.
      actions.startEdit(active, event.key);
    } else {
      handled = false;
    }
    if (handled) event.preventDefault();
  };
}

/** The cell Tab (or Shift+Tab) moves to from `active`; null past the grid's ends. */
export function tabTarget(active: Pos, dims: Dims, back: boolean): Pos | null {
  const index = active.row * dims.cols + active.col + (back ? -1 : 1);
  if (dims.cols === 0 || index < 0 || index >= dims.rows * dims.cols) return null;
  return { row: Math.floor(index / dims.cols), col: index % dims.cols };
}

/** The selection is the active cell alone: Escape has nothing to collapse. */
function isOnlyCell(selection: GridSelection, active: { row: number; col: number }): boolean {
  const [range] = selection.ranges;
  return (
    selection.ranges.length === 1 &&
    range?.kind === "cells" &&
    range.anchor.row === active.row &&
    range.anchor.col === active.col &&
    range.focus.row === active.row &&
    range.focus.col === active.col
  );
}
