import { expect, test } from "vitest";
import { planEnrich } from "@/lib/client/grid-enrich-plan";
import { dragTo, emptySelection, selectCell, selectColumn } from "@/lib/client/grid-selection";

const dims = { rows: 100, cols: 6 };

test("a rectangle goes as grid mode", () => {
  const s = dragTo(selectCell(emptySelection, { row: 0, col: 2 }), { row: 2, col: 3 });
  expect(planEnrich(s, dims)).toEqual({ mode: "grid", cols: [2, 3], rows: [[0, 2]], cells: 6 });
});

test("whole columns go as all rows", () => {
  const s = selectColumn(selectColumn(emptySelection, 1), 4, { toggle: true });
  expect(planEnrich(s, dims)).toEqual({ mode: "columns", cols: [1, 4], cells: 200 });
});

test("rows × columns picked with ctrl is still grid mode", () => {
  let s = dragTo(selectCell(emptySelection, { row: 0, col: 1 }), { row: 0, col: 2 });
  s = dragTo(selectCell(s, { row: 5, col: 1 }, { toggle: true }), { row: 6, col: 2 });
  expect(planEnrich(s, dims)).toEqual({
    mode: "grid",
    cols: [1, 2],
    rows: [
      [0, 0],
      [5, 6],
    ],
    cells: 6,
  });
});

test("any other shape goes as explicit cells, each once", () => {
  let s = dragTo(selectCell(emptySelection, { row: 0, col: 0 }), { row: 1, col: 1 });
  s = selectCell(s, { row: 1, col: 1 }, { toggle: true });
  s = selectCell(s, { row: 3, col: 5 }, { toggle: true });
  expect(planEnrich(s, dims)).toEqual({
    mode: "cells",
    cells: [
      { row: 0, col: 0 },
      { row: 0, col: 1 },
      { row: 1, col: 0 },
      { row: 1, col: 1 },
      { row: 3, col: 5 },
    ],
  });
});

test("nothing selected, or more than a job may hold", () => {
  expect(planEnrich(emptySelection, dims)).toEqual({ mode: "empty" });
  const huge = dragTo(selectCell(emptySelection, { row: 0, col: 0 }), { row: 999_999, col: 1 });
  let s = huge;
  s = selectCell(s, { row: 5, col: 5 }, { toggle: true });
  expect(planEnrich(s, { rows: 1_000_000, cols: 6 })).toEqual({ mode: "too-large", cells: 2_000_001 });
});
