import { describe, expect, test } from "vitest";
import {
  countCells,
  dragTo,
  emptySelection,
  extendActive,
  inSelectionKey,
  isSelected,
  moveActive,
  rectsOf,
  rowSelectionKey,
  selectAll,
  selectCell,
  selectColumn,
  selectRow,
} from "@/lib/client/grid-selection";

const dims = { rows: 10, cols: 5 };

describe("grid selection", () => {
  test("click selects one cell and makes it active", () => {
    const s = selectCell(emptySelection, { row: 2, col: 1 });
    expect(s.active).toEqual({ row: 2, col: 1 });
    expect(rectsOf(s, dims)).toEqual([{ top: 2, bottom: 2, left: 1, right: 1 }]);
  });

  test("shift+click extends a rectangle from the active cell, in any direction", () => {
    const s = selectCell(selectCell(emptySelection, { row: 4, col: 3 }), { row: 1, col: 1 }, { shift: true });
    expect(s.active).toEqual({ row: 4, col: 3 });
    expect(rectsOf(s, dims)).toEqual([{ top: 1, bottom: 4, left: 1, right: 3 }]);
    expect(countCells(rectsOf(s, dims))).toBe(12);
  });

  test("drag moves the focus corner; ctrl+click adds a separate cell", () => {
    let s = selectCell(emptySelection, { row: 0, col: 0 });
    s = dragTo(s, { row: 2, col: 1 });
    s = selectCell(s, { row: 5, col: 4 }, { toggle: true });
    expect(rectsOf(s, dims)).toEqual([
      { top: 0, bottom: 2, left: 0, right: 1 },
      { top: 5, bottom: 5, left: 4, right: 4 },
    ]);
    expect(countCells(rectsOf(s, dims))).toBe(7);
    expect(isSelected(s, 5, 4, dims)).toBe(true);
    expect(isSelected(s, 4, 4, dims)).toBe(false);
  });

  test("overlapping ranges are counted once", () => {
    let s = selectCell(emptySelection, { row: 0, col: 0 });
    s = dragTo(s, { row: 2, col: 2 });
    s = selectCell(s, { row: 1, col: 1 }, { toggle: true });
    s = dragTo(s, { row: 3, col: 3 });
    expect(countCells(rectsOf(s, dims))).toBe(9 + 9 - 4);
  });

  test("column and row selection cover the whole line, and follow the row count", () => {
    const col = selectColumn(emptySelection, 2);
    expect(rectsOf(col, dims)).toEqual([{ top: 0, bottom: 9, left: 2, right: 2 }]);
    expect(rectsOf(col, { rows: 100, cols: 5 })[0].bottom).toBe(99);
    const cols = selectColumn(col, 4, { shift: true });
    expect(rectsOf(cols, dims)).toEqual([{ top: 0, bottom: 9, left: 2, right: 4 }]);
    const row = selectRow(emptySelection, 3);
    expect(rectsOf(row, dims)).toEqual([{ top: 3, bottom: 3, left: 0, right: 4 }]);
  });

  test("arrows move and clamp; shift+arrows extend; jump goes to the edge", () => {
    let s = moveActive(emptySelection, "down", dims);
    expect(s.active).toEqual({ row: 0, col: 0 });
    s = moveActive(s, "up", dims);
    expect(s.active).toEqual({ row: 0, col: 0 });
    s = moveActive(s, "right", dims);
    s = extendActive(s, "down", dims);
    s = extendActive(s, "right", dims);
    expect(s.active).toEqual({ row: 0, col: 1 });
    expect(rectsOf(s, dims)).toEqual([{ top: 0, bottom: 1, left: 1, right: 2 }]);
    s = extendActive(s, "down", dims, true);
    expect(rectsOf(s, dims)).toEqual([{ top: 0, bottom: 9, left: 1, right: 2 }]);
    s = moveActive(s, "right", dims, true);
    expect(s.active).toEqual({ row: 0, col: 4 });
    expect(countCells(rectsOf(s, dims))).toBe(1);
  });

  test("select all, and empty grids select nothing", () => {
    expect(countCells(rectsOf(selectAll(dims), dims))).toBe(50);
    expect(rectsOf(selectColumn(emptySelection, 0), { rows: 0, cols: 3 })).toEqual([]);
  });

  test("row selection keys merge spans and answer membership", () => {
    let s = selectCell(emptySelection, { row: 1, col: 0 });
    s = dragTo(s, { row: 2, col: 1 });
    s = selectCell(s, { row: 1, col: 2 }, { toggle: true });
    s = selectCell(s, { row: 1, col: 4 }, { toggle: true });
    const rects = rectsOf(s, dims);
    expect(rowSelectionKey(rects, 1)).toBe("0-2,4-4");
    expect(rowSelectionKey(rects, 2)).toBe("0-1");
    expect(rowSelectionKey(rects, 3)).toBe("");
    expect(inSelectionKey("0-2,4-4", 3)).toBe(false);
    expect(inSelectionKey("0-2,4-4", 4)).toBe(true);
  });
});
