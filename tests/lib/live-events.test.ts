import { expect, test } from "vitest";
import type { JobDto, Page, RowPage } from "@/lib/client/fetchers";
import { blockIsStale, refreshFor, viewsToReload, withJob } from "@/lib/client/live-events";

const event = (
  changes: { kind: "rows" | "columns" | "table"; op: "created" | "updated" | "deleted"; ids: string[] | null }[],
  reload = false,
) => ({
  cursor: "1:1:",
  reload,
  changes,
});
const block = (...ids: string[]) => ({ data: ids.map((id) => ({ id })) }) as unknown as RowPage;

test("rows edited elsewhere → only the windows holding them are stale", () => {
  const refresh = refreshFor(event([{ kind: "rows", op: "updated", ids: ["r2", "r9"] }]));
  expect(refresh.table).toBe(false);
  expect(blockIsStale(refresh, block("r1", "r2"))).toBe(true);
  expect(blockIsStale(refresh, block("r3", "r4"))).toBe(false);
  expect(blockIsStale(refresh, undefined)).toBe(false);
});

test("too many rows edited to list → every window is stale", () => {
  const refresh = refreshFor(event([{ kind: "rows", op: "updated", ids: null }]));
  expect(blockIsStale(refresh, block("r3"))).toBe(true);
});

test.each(["created", "deleted"] as const)("rows %s → the row count and every window", (op) => {
  const refresh = refreshFor(event([{ kind: "rows", op, ids: ["r1"] }]));
  expect(refresh.table).toBe(true);
  expect(blockIsStale(refresh, block("r3"))).toBe(true);
});

test("a column created or renamed → the table's columns, not the rows; deleted → the rows too", () => {
  for (const op of ["created", "updated"] as const) {
    const refresh = refreshFor(event([{ kind: "columns", op, ids: ["c1"] }]));
    expect(refresh).toMatchObject({ table: true, allBlocks: false });
  }
  expect(refreshFor(event([{ kind: "columns", op: "deleted", ids: ["c1"] }]))).toMatchObject({
    table: true,
    allBlocks: true,
  });
});

test("the table renamed → the table only; reload → everything", () => {
  expect(refreshFor(event([{ kind: "table", op: "updated", ids: ["t"] }]))).toMatchObject({
    table: true,
    allBlocks: false,
  });
  expect(refreshFor(event([], true))).toMatchObject({ table: true, allBlocks: true });
});

const job = (jobId: string, doneTasks: number) => ({ jobId, doneTasks }) as JobDto;
const jobs = (...list: JobDto[]): Page<JobDto> => ({
  data: list,
  meta: { total: list.length, page: 1, limit: 20, totalPages: 1 },
});

test("a job event replaces the job in the list, a new job goes first, no list stays no list", () => {
  expect(withJob(jobs(job("a", 1), job("b", 0)), job("b", 5))?.data).toEqual([job("a", 1), job("b", 5)]);
  const added = withJob(jobs(job("a", 1)), job("c", 0));
  expect(added?.data.map((j) => j.jobId)).toEqual(["c", "a"]);
  expect(added?.meta.total).toBe(2);
  expect(withJob(undefined, job("a", 1))).toBeUndefined();
});

test("a row edited → every window of each filtered or sorted view is stale (it may enter, leave or move); all rows: only its window", () => {
  const blocks = [
    { view: "all", page: block("r1", "r2") },
    { view: "filter=paris", page: block("r1") },
    { view: "filter=paris", page: block("r2") },
    { view: "sort=name", page: block("r9", "r1") },
  ];
  // A row a view does not hold may match its filter now.
  const unheld = refreshFor(event([{ kind: "rows", op: "updated", ids: ["r7"] }]));
  expect([...viewsToReload(unheld, blocks)]).toEqual(["filter=paris", "sort=name"]);
  // A row it holds may leave it or move: the windows after its own shift too.
  const held = refreshFor(event([{ kind: "rows", op: "updated", ids: ["r1"] }]));
  expect([...viewsToReload(held, blocks)]).toEqual(["filter=paris", "sort=name"]);
  expect(blockIsStale(held, block("r1", "r2"))).toBe(true);
  // A table event without edited rows reloads no view.
  expect(viewsToReload(refreshFor(event([{ kind: "table", op: "updated", ids: ["t"] }])), blocks).size).toBe(0);
});
