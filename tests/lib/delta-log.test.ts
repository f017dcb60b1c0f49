import { expect, test } from "vitest";
import type { CellState, RowState } from "@/lib/enrichment/cell-status";
import { DeltaLog, toDelta } from "@/lib/realtime/delta-log";
import { concatTableChanges, mergeTableChanges } from "@/lib/realtime/table-changes";

const cell = (
  rowId: string,
  columnId: string,
  status: CellState["status"],
  taskId = `${rowId}${columnId}`,
): CellState => ({
  rowId,
  columnId,
  taskId,
  jobId: "j",
  status,
  value: status === "done" ? `v-${rowId}` : null,
  confidence: null,
  error: null,
  attempts: 1,
  provider: null,
});
const row = (rowId: string, status: string): RowState => ({ rowId, status, confidence: null, error: null });
const none = { changes: [], reload: false };
const limits = { entries: 10, cells: 1_000, ageMs: 60_000 };

function logOf() {
  const log = new DeltaLog(limits);
  log.clear("c0");
  log.append(
    toDelta({
      from: "c0",
      to: "c1",
      cells: [cell("r1", "a", "running"), cell("r2", "a", "queued")],
      rows: [row("r1", "running"), row("r2", "queued")],
      table: none,
      hasMore: false,
    }),
  );
  log.append(
    toDelta({
      from: "c1",
      to: "c2",
      cells: [cell("r1", "a", "done")],
      rows: [row("r1", "done")],
      table: none,
      hasMore: false,
    }),
  );
  return log;
}

test("a poll from an older cursor → every cell changed since, in its latest state, once", () => {
  const answer = JSON.parse(logOf().pollAnswer("c0", 100, 10_000) ?? "null");
  expect(answer).toEqual({
    cursor: "c2",
    cells: [cell("r2", "a", "queued"), cell("r1", "a", "done")],
    rows: [row("r2", "queued"), row("r1", "done")],
    hasMore: false,
  });
});

test("a poll from the latest cursor → nothing; from one the log does not know → undefined", () => {
  const log = logOf();
  expect(JSON.parse(log.pollAnswer("c2", 100, 10_000) ?? "null")).toEqual({
    cursor: "c2",
    cells: [],
    rows: [],
    hasMore: false,
  });
  expect(log.pollAnswer("c9", 100, 10_000)).toBeUndefined();
});

test("a poll of some rows → their cells and rows only, in their latest state", () => {
  const log = logOf();
  expect(JSON.parse(log.pollAnswer("c0", 100, 10_000, ["r1", "r9"]) ?? "null")).toEqual({
    cursor: "c2",
    cells: [cell("r1", "a", "done")],
    rows: [row("r1", "done")],
    hasMore: false,
  });
  expect(JSON.parse(log.pollAnswer("c1", 100, 10_000, ["r2"]) ?? "null")).toEqual({
    cursor: "c2",
    cells: [],
    rows: [],
    hasMore: false,
  });
  // Not cached as the whole table's answer.
  expect(JSON.parse(log.pollAnswer("c0", 100, 10_000) ?? "null").cells).toHaveLength(2);
  expect(log.covers("c1")).toBe(true);
  expect(log.covers("c9")).toBe(false);
});

test("more cells than the poll's limit → the first ones, their rows, and hasMore", () => {
  const answer = JSON.parse(logOf().pollAnswer("c0", 1, 10_000) ?? "null");
  expect(answer.cells).toHaveLength(1);
  expect(answer.rows).toEqual([row(answer.cells[0].rowId, answer.cells[0].rowId === "r1" ? "done" : "queued")]);
  expect(answer.hasMore).toBe(true);
});

test("a read that hit its limit cannot answer a poll allowed more than that", () => {
  const log = new DeltaLog(limits);
  log.clear("c0");
  log.append(toDelta({ from: "c0", to: "c1", cells: [cell("r1", "a", "done")], rows: [], table: none, hasMore: true }));
  expect(log.pollAnswer("c0", 50_000, 10_000)).toBeUndefined();
  expect(JSON.parse(log.pollAnswer("c0", 10_000, 10_000) ?? "null").hasMore).toBe(true);
});

test("old reads are forgotten beyond the limits; a gap starts the log afresh", () => {
  const log = new DeltaLog({ ...limits, entries: 2 });
  log.clear("c0");
  for (let i = 0; i < 3; i++)
    log.append(toDelta({ from: `c${i}`, to: `c${i + 1}`, cells: [], rows: [], table: none, hasMore: false }));
  expect(log.since("c0")).toBeUndefined();
  expect(log.since("c1")?.to).toBe("c3");
  log.append(toDelta({ from: "x", to: "y", cells: [], rows: [], table: none, hasMore: false }));
  expect(log.since("c2")).toBeUndefined();
  expect(log.since("x")?.to).toBe("y");
});

test("table changes merge by kind and operation; ids once each; too many → all; reload wins", () => {
  expect(
    mergeTableChanges([
      { kind: "rows", op: "updated", ids: ["a", "b"] },
      { kind: "rows", op: "updated", ids: ["b", "c"] },
      { kind: "columns", op: "created", ids: ["x"] },
      { kind: "rows", op: "deleted", ids: null },
      { kind: "rows", op: "deleted", ids: ["d"] },
    ]),
  ).toEqual({
    reload: false,
    changes: [
      { kind: "rows", op: "updated", ids: ["a", "b", "c"] },
      { kind: "columns", op: "created", ids: ["x"] },
      { kind: "rows", op: "deleted", ids: null },
    ],
  });
  const many = Array.from({ length: 1_001 }, (_, i) => `id${i}`);
  expect(mergeTableChanges([{ kind: "rows", op: "updated", ids: many }]).changes[0].ids).toBeNull();
  expect(concatTableChanges([none, { changes: [], reload: true }])).toEqual({ changes: [], reload: true });
});
