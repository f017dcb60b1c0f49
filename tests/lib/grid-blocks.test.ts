import { expect, test } from "vitest";
import { applyChanges, blocksFor, groupChanges, markQueued, patchRowData, taskIdsOf } from "@/lib/client/grid-blocks";
import type { RowPage } from "@/lib/rows/rows";
import type { RowDto } from "@/lib/rows/serialize";

const row = (id: string, data: RowDto["data"] = {}): RowDto => ({
  id,
  tableId: "t",
  position: 1,
  data,
  cells: {},
  status: "idle",
  confidence: null,
  error: null,
  lastRunAt: null,
  createdAt: "",
  updatedAt: "",
});
const page = (...rows: RowDto[]): RowPage => ({
  data: rows,
  meta: { total: rows.length, page: 1, limit: 200, totalPages: 1, offset: 0, nextCursor: null },
});
const keyOf = (columnId: string) => ({ c1: "email", c2: "phone" })[columnId];

test("blocks covering a visible range", () => {
  expect(blocksFor(0, 30, 10)).toEqual([0]);
  expect(blocksFor(190, 410, 100_000)).toEqual([0, 1, 2]);
  expect(blocksFor(0, 10, 0)).toEqual([]);
});

test("status changes patch only the rows they name, values of done cells (and their source) included", () => {
  const block = page(row("r1"), row("r2", { name: "x" }));
  const changes = groupChanges({
    cells: [
      {
        rowId: "r2",
        columnId: "c1",
        taskId: "t1",
        jobId: "j",
        status: "done",
        value: "a@b.c",
        confidence: 0.9,
        error: null,
        attempts: 1,
        provider: "hunter.email-finder",
      },
      {
        rowId: "r2",
        columnId: "c2",
        taskId: "t2",
        jobId: "j",
        status: "failed",
        value: null,
        confidence: null,
        error: "No data",
        attempts: 1,
        provider: null,
      },
    ],
    rows: [{ rowId: "r2", status: "ambiguous", confidence: 0.9, error: "No data" }],
  });
  const next = applyChanges(block, changes, keyOf);
  expect(next.data[0]).toBe(block.data[0]);
  expect(next.data[1].data).toEqual({ name: "x", email: "a@b.c" });
  expect(next.data[1].cells).toEqual({
    c1: { taskId: "t1", status: "done", confidence: 0.9, provider: "hunter.email-finder" },
    c2: { taskId: "t2", status: "failed", error: "No data" },
  });
  expect(next.data[1].status).toBe("ambiguous");
  expect(applyChanges(block, new Map(), keyOf)).toBe(block);
});

test("queued marks and edits", () => {
  const block = page(row("r1", { a: "1", b: "2" }));
  const cells = new Map([["r1", ["c1"]]]);
  const before = new Map<string, string>();
  taskIdsOf(block, (rowId) => cells.get(rowId), before);
  expect(markQueued(block, cells, before).data[0].cells.c1.status).toBe("queued");
  expect(patchRowData(block, "r1", { a: null, c: 3 }).data[0].data).toEqual({ b: "2", c: 3 });
  expect(patchRowData(block, "nope", { a: "x" })).toBe(block);
});

test("queued marks leave a cell whose state changed since the request left (the stream was faster), and a row read since", () => {
  const sent = page(row("r1", { a: "1" }), row("r2", { a: "2" }));
  const cells = new Map([
    ["r1", ["c1"]],
    ["r2", ["c1"]],
  ]);
  const before = new Map<string, string>();
  taskIdsOf(sent, (rowId) => cells.get(rowId), before);
  // The new task's state arrived over the stream before the POST's answer: running, then done.
  const streamed = {
    ...sent,
    data: [{ ...sent.data[0], cells: { c1: { taskId: "new", status: "done" as const } } }, sent.data[1]],
  };
  const marked = markQueued(streamed, cells, before);
  expect(marked.data[0].cells.c1).toEqual({ taskId: "new", status: "done" });
  expect(marked.data[1].cells.c1.status).toBe("queued");
  // A row not cached when the request left: its window came from the server afterwards.
  const later = page(row("r3", { a: "3" }));
  expect(markQueued(later, new Map([["r3", ["c1"]]]), before)).toBe(later);
});
