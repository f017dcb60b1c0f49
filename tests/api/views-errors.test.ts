import { randomUUID } from "node:crypto";
import { beforeAll, expect, test } from "vitest";
import { MAX_FILTER_CONDITIONS, MAX_FILTER_DEPTH } from "@/lib/views/filter-schema";
import { api } from "../support/api";
import { detailPaths, expectError } from "../support/db-state";

// GET /rows with a bad filter, sort or q: a 422 whose details name the offending part.

let tableId: string;

beforeAll(async () => {
  const table = await api.post("/api/tables", {
    name: "Errors",
    columns: [
      { key: "name", label: "Name" },
      { key: "employees", label: "Employees", dataType: "number" },
      { key: "founded", label: "Founded", dataType: "date" },
      { key: "active", label: "Active", dataType: "boolean" },
    ],
  });
  tableId = table.body.id;
});

async function rejected(params: Record<string, string>) {
  const res = await api.get(`/api/tables/${tableId}/rows?${new URLSearchParams(params)}`);
  expectError(res, 422, "validation_failed");
  return { paths: detailPaths(res), messages: res.body.error.details.map((d: { message: string }) => d.message) };
}

const filter = (tree: unknown) => ({ filter: typeof tree === "string" ? tree : JSON.stringify(tree) });

test.each<[string, unknown, string[]]>([
  ["not JSON", "{nope", ["filter"]],
  ["an array", [1], ["filter"]],
  ["null", null, ["filter"]],
  ["an unknown operator", { column: "name", op: "matches", value: "x" }, ["filter.op"]],
  ["a missing value", { column: "name", op: "eq" }, ["filter.value"]],
  ["no operator", { column: "name", value: "x" }, ["filter"]],
  ["a value where none belongs", { column: "name", op: "is_empty", value: 1 }, ["filter"]],
  ["a group with two keys", { and: [{ column: "name", op: "is_empty" }], or: [] }, ["filter"]],
  ["an empty group", { and: [] }, ["filter.and"]],
  ["a group that is not an array", { or: { column: "name", op: "is_empty" } }, ["filter.or"]],
  [
    "a bad node deep inside",
    { and: [{ column: "name", op: "is_empty" }, { or: [{ column: "name", op: "nope" }] }] },
    ["filter.and.1.or.0.op"],
  ],
  ["an unknown column", { column: "nope", op: "is_empty" }, ["filter.column"]],
  ["a prototype key as column", { column: "constructor", op: "is_empty" }, ["filter.column"]],
  [
    "an unknown column inside a group",
    {
      or: [
        { column: "name", op: "is_empty" },
        { column: "x", op: "is_empty" },
      ],
    },
    ["filter.or.1.column"],
  ],
  ["contains on a number column", { column: "employees", op: "contains", value: "1" }, ["filter.op"]],
  ["gt on a text column", { column: "name", op: "gt", value: "a" }, ["filter.op"]],
  ["gt on a boolean column", { column: "active", op: "gt", value: true }, ["filter.op"]],
  ["a number that is not one", { column: "employees", op: "gt", value: "12abc" }, ["filter.value"]],
  ["a boolean for a number", { column: "employees", op: "eq", value: true }, ["filter.value"]],
  ["a date that does not exist", { column: "founded", op: "eq", value: "2023-02-29" }, ["filter.value"]],
  ["a date that is not ISO 8601", { column: "founded", op: "lt", value: "May 1, 2024" }, ["filter.value"]],
  ["a time that does not exist", { column: "founded", op: "lt", value: "2024-05-01T24:00" }, ["filter.value"]],
  ["a boolean that is not true/false", { column: "active", op: "eq", value: "yes" }, ["filter.value"]],
  ["a boolean for a text column", { column: "name", op: "eq", value: true }, ["filter.value"]],
  ["an unknown cell status", { column: "name", op: "cell_status_is", value: "stuck" }, ["filter.value"]],
  ["a cell status of an unknown column", { column: "zip", op: "cell_status_is", value: "done" }, ["filter.column"]],
  ["a row status with a column", { column: "name", op: "row_status_is", value: "done" }, ["filter"]],
  ["a confidence over 1", { op: "confidence_below", value: 1.5 }, ["filter.value"]],
  ["a NUL in a value", { column: "name", op: "eq", value: "a\u0000b" }, ["filter.value"]],
  ["a lone surrogate in a value", { column: "name", op: "contains", value: "\ud800" }, ["filter.value"]],
  ["an empty search", { op: "search", value: "" }, ["filter.value"]],
])("filter: %s → 422 naming it", async (_title, tree, paths) => {
  expect((await rejected(filter(tree))).paths).toEqual(paths);
});

test("what a filter should have been is said: a group or a condition, a value's type", async () => {
  const group = 'expected a group ({ "and": [...] } or { "or": [...] }) or a condition';
  expect((await rejected(filter({ name: "Ada" }))).messages).toEqual([
    `${group} ({ "column": key, "op": operator, "value": ... }); found keys "name"`,
  ]);
  expect((await rejected(filter({ all: [{ column: "name", op: "is_empty" }] }))).messages[0]).toContain(group);
  expect((await rejected(filter({ and: [{}] }))).messages[0]).toMatch(/found an empty object$/);
  expect((await rejected(filter({ column: "name", op: "eq", value: null }))).messages).toEqual([
    "expected text, a number or true/false",
  ]);
});

test("every problem of a filter is named at once", async () => {
  const { paths } = await rejected(
    filter({
      and: [
        { column: "x", op: "is_empty" },
        { column: "employees", op: "lt", value: "many" },
        { column: "name", op: "gte", value: "b" },
      ],
    }),
  );
  expect(paths).toEqual(["filter.and.0.column", "filter.and.1.value", "filter.and.2.op"]);
});

test(`filters nest at most ${MAX_FILTER_DEPTH} deep and hold at most ${MAX_FILTER_CONDITIONS} conditions`, async () => {
  let deep: unknown = { column: "name", op: "is_empty" };
  for (let i = 0; i <= MAX_FILTER_DEPTH; i++) deep = { and: [deep] };
  expect((await rejected(filter(deep))).messages.join()).toContain("nest");
  const wide = { or: Array.from({ length: MAX_FILTER_CONDITIONS + 1 }, () => ({ column: "name", op: "is_empty" })) };
  expect((await rejected(filter(wide))).messages.join()).toContain(`at most ${MAX_FILTER_CONDITIONS}`);
});

test.each<[string, string, string[]]>([
  ["a bad direction", "name:up", ["sort.0"]],
  ["an unknown column", "name:asc,nope:desc", ["sort.1"]],
  ["the same column twice", "name,name:desc", ["sort.1.column"]],
  ["an empty key", "name,,employees", ["sort.1"]],
  ["too many keys", Array.from({ length: 9 }, (_, i) => `c${i}`).join(","), ["sort"]],
])("sort: %s → 422 naming it", async (_title, sort, paths) => {
  expect((await rejected({ sort })).paths).toEqual(paths);
});

test("a filter and a sort that do not fit → one 422 naming both (it named the filter's, then the sort's once fixed)", async () => {
  const both = await rejected({
    ...filter({ and: [{ column: "nope", op: "is_empty" }] }),
    sort: "name:asc,zzz",
  });
  expect(both.paths).toEqual(["filter.and.0.column", "sort.1"]);
});

test("q: too long or not storable → 422 naming it", async () => {
  expect((await rejected({ q: "x".repeat(201) })).paths).toEqual(["q"]);
  expect((await rejected({ q: "a\u0000" })).paths).toEqual(["q"]);
});

test("a view of a table that does not exist → 404", async () => {
  const res = await api.get(`/api/tables/${randomUUID()}/rows?sort=name`);
  expectError(res, 404, "not_found");
});
