import { expect, test } from "vitest";
import { parseTsv, pasteOverflow, pasteTargets, toTsv } from "@/lib/client/grid-tsv";

test("parses a block copied from a spreadsheet", () => {
  expect(parseTsv("a\tb\r\nc\td\r\n")).toEqual([
    ["a", "b"],
    ["c", "d"],
  ]);
  expect(parseTsv("one")).toEqual([["one"]]);
  expect(parseTsv("a\t\tc\n")).toEqual([["a", "", "c"]]);
});

test("quoted fields keep tabs, line breaks and quotes; stray quotes are text", () => {
  expect(parseTsv('"multi\nline"\t"say ""hi"""\nx\t"5" tall')).toEqual([
    ["multi\nline", 'say "hi"'],
    ["x", '"5" tall'],
  ]);
});

test("toTsv quotes what needs it and round-trips", () => {
  const rows = [
    ["a", "tab\there", null],
    ["line\nbreak", 'q"q', 3],
  ];
  const text = toTsv(rows);
  expect(text).toBe('a\t"tab\there"\t\n"line\nbreak"\t"q""q"\t3');
  expect(parseTsv(text)).toEqual([
    ["a", "tab\there", ""],
    ["line\nbreak", 'q"q', "3"],
  ]);
});

test("paste lands at the top-left and clips at the grid's edge", () => {
  const targets = pasteTargets(
    [
      ["1", "2"],
      ["3", "4"],
    ],
    { top: 4, left: 2, bottom: 4, right: 2 },
    { rows: 5, cols: 3 },
  );
  expect(targets).toEqual([{ row: 4, col: 2, value: "1" }]);
});

test("one value pasted onto a selection fills it", () => {
  expect(pasteTargets([["x"]], { top: 0, left: 0, bottom: 1, right: 1 }, { rows: 5, cols: 5 })).toHaveLength(4);
});

test("a paste past the last row leaves its lines for new rows, and counts the columns past the last one", () => {
  const block = [
    ["1", "2", "3"],
    ["4", "5", "6"],
    ["7", "8", "9"],
  ];
  // Rows 0..3, columns 0..1: the block at (2, 0) fits two lines and two columns.
  expect(pasteOverflow(block, { top: 2, left: 0 }, { rows: 4, cols: 2 })).toEqual({
    rows: [
      [
        { col: 0, value: "7" },
        { col: 1, value: "8" },
      ],
    ],
    droppedColumns: 1,
  });
  expect(pasteOverflow(block, { top: 0, left: 0 }, { rows: 4, cols: 3 })).toEqual({ rows: [], droppedColumns: 0 });
  expect(pasteOverflow([["x"]], { top: 9, left: 9 }, { rows: 1, cols: 1 })).toEqual({ rows: [], droppedColumns: 0 });
  // An empty grid: every line is a new row.
  expect(pasteOverflow([["a"], ["b"]], { top: 0, left: 0 }, { rows: 0, cols: 1 }).rows).toHaveLength(2);
});
