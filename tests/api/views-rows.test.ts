import "../support/no-orchestrator";
import { beforeAll, describe, expect, test } from "vitest";
import type { FilterNode } from "@/lib/views/filter-schema";
import { api } from "../support/api";
import { expectError, withoutWrites } from "../support/db-state";

// GET /api/tables/:tableId/rows with filter, sort and q: every operator on every column type,
// and/or nesting, empty results, sorting with empty values and ties, and paging.

let tableId: string;
/** Row labels ("r1".."r6") by row id, to compare answers by what each row is. */
const labelOf = new Map<string, string>();

const ROWS: Record<string, unknown>[] = [
  {
    label: "r1",
    name: "Ada Lovelace",
    email: "ada@analytical.io",
    site: "https://analytical.io",
    employees: 12,
    founded: "1843-07-10",
    active: true,
  },
  {
    label: "r2",
    name: "Grace Hopper",
    email: "",
    site: "https://cobol.dev",
    employees: "250",
    founded: "1959-05-28T09:00:00Z",
    active: "false",
  },
  { label: "r3", name: "alan turing", employees: "n/a", founded: "not a date", active: "yes" },
  {
    label: "r4",
    name: "Linus",
    email: "LINUS@kernel.org",
    employees: 12.5,
    founded: "1991-08-25T23:30:00-02:00",
    active: false,
  },
  { label: "r5" },
  { label: "r6", name: '100% _real_ \\ "quoted"', employees: -3, founded: "2024-02-29", active: "TRUE" },
];

beforeAll(async () => {
  const table = await api.post("/api/tables", {
    name: "Typed",
    columns: [
      { key: "label", label: "Label" },
      { key: "name", label: "Name" },
      { key: "email", label: "Email", dataType: "email" },
      { key: "site", label: "Site", dataType: "url" },
      { key: "employees", label: "Employees", dataType: "number" },
      { key: "founded", label: "Founded", dataType: "date" },
      { key: "active", label: "Active", dataType: "boolean" },
    ],
  });
  tableId = table.body.id;
  const created = await api.post(`/api/tables/${tableId}/rows`, { rows: ROWS.map((data) => ({ data })) });
  for (const row of created.body.data) labelOf.set(row.id, row.data.label);
});

const rowsUrl = (params: Record<string, string>) => `/api/tables/${tableId}/rows?${new URLSearchParams(params)}`;

/** The labels of the rows a view shows, in its order. */
async function view(params: { filter?: FilterNode; sort?: string; q?: string; limit?: number }) {
  const query: Record<string, string> = { limit: String(params.limit ?? 100) };
  if (params.filter) query.filter = JSON.stringify(params.filter);
  if (params.sort) query.sort = params.sort;
  if (params.q !== undefined) query.q = params.q;
  const res = await api.get(rowsUrl(query));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const labels = res.body.data.map((row: { id: string }) => labelOf.get(row.id));
  expect(res.body.meta.total).toBe(labels.length);
  return labels as string[];
}

const where = (filter: FilterNode) => view({ filter });

describe("text, url and email columns", () => {
  test.each<[string, FilterNode, string[]]>([
    ["contains is case-insensitive", { column: "name", op: "contains", value: "LOVE" }, ["r1"]],
    ["contains finds text inside words", { column: "name", op: "contains", value: "an" }, ["r3"]],
    ["contains matches % _ and \\ literally", { column: "name", op: "contains", value: "100%" }, ["r6"]],
    ["contains _ is not a wildcard", { column: "name", op: "contains", value: "_r" }, ["r6"]],
    ["contains a backslash", { column: "name", op: "contains", value: "\\" }, ["r6"]],
    [
      "contains quotes (JSON-escaped in the row's search text)",
      { column: "name", op: "contains", value: '"quoted"' },
      ["r6"],
    ],
    ["eq is case-insensitive and whole", { column: "name", op: "eq", value: "ALAN TURING" }, ["r3"]],
    ["eq on part of a value is no match", { column: "name", op: "eq", value: "alan" }, []],
    [
      "neq: every non-empty value but that one",
      { column: "name", op: "neq", value: "linus" },
      ["r1", "r2", "r3", "r6"],
    ],
    ["starts_with", { column: "name", op: "starts_with", value: "gr" }, ["r2"]],
    ["starts_with % is literal", { column: "name", op: "starts_with", value: "%" }, []],
    ["is_empty: absent, null or empty string", { column: "email", op: "is_empty" }, ["r2", "r3", "r5", "r6"]],
    ["is_not_empty", { column: "email", op: "is_not_empty" }, ["r1", "r4"]],
    ["email eq is case-insensitive", { column: "email", op: "eq", value: "linus@kernel.org" }, ["r4"]],
    ["url contains", { column: "site", op: "contains", value: "cobol" }, ["r2"]],
    ["url starts_with", { column: "site", op: "starts_with", value: "https://" }, ["r1", "r2"]],
    ["a number value compares as its text", { column: "label", op: "eq", value: 5 }, []],
  ])("%s", async (_title, filter, expected) => {
    expect(await where(filter)).toEqual(expected);
  });
});

describe("number columns compare numerically; values that do not parse never match", () => {
  test.each<[string, FilterNode, string[]]>([
    ["eq (number and numeric string values)", { column: "employees", op: "eq", value: 12 }, ["r1"]],
    ['eq 250 finds the string "250"', { column: "employees", op: "eq", value: "250" }, ["r2"]],
    ["eq 12.0 is 12", { column: "employees", op: "eq", value: "12.0" }, ["r1"]],
    ["neq leaves out empty and unparseable values", { column: "employees", op: "neq", value: 12 }, ["r2", "r4", "r6"]],
    ["gt is numeric, not textual (250 > 12.5 > 12)", { column: "employees", op: "gt", value: 12 }, ["r2", "r4"]],
    ["gte", { column: "employees", op: "gte", value: 12.5 }, ["r2", "r4"]],
    ["lt with negatives", { column: "employees", op: "lt", value: 0 }, ["r6"]],
    ["lte", { column: "employees", op: "lte", value: "12" }, ["r1", "r6"]],
    ["is_empty (n/a is a value, not empty)", { column: "employees", op: "is_empty" }, ["r5"]],
    ["is_not_empty", { column: "employees", op: "is_not_empty" }, ["r1", "r2", "r3", "r4", "r6"]],
  ])("%s", async (_title, filter, expected) => {
    expect(await where(filter)).toEqual(expected);
  });
});

describe("date columns compare as dates; a whole day is every moment of that UTC day", () => {
  test.each<[string, FilterNode, string[]]>([
    ["eq a day", { column: "founded", op: "eq", value: "1843-07-10" }, ["r1"]],
    ["eq a day holds a time on that day", { column: "founded", op: "eq", value: "1959-05-28" }, ["r2"]],
    ["eq a day in UTC (23:30 at -02:00 is the next day)", { column: "founded", op: "eq", value: "1991-08-26" }, ["r4"]],
    ["eq an instant", { column: "founded", op: "eq", value: "1991-08-26T01:30:00Z" }, ["r4"]],
    [
      "eq an instant written with another offset",
      { column: "founded", op: "eq", value: "1991-08-26T03:30+02:00" },
      ["r4"],
    ],
    ["neq a day", { column: "founded", op: "neq", value: "1959-05-28" }, ["r1", "r4", "r6"]],
    ["gt a day: after the whole day", { column: "founded", op: "gt", value: "1959-05-28" }, ["r4", "r6"]],
    ["gte a day", { column: "founded", op: "gte", value: "1959-05-28" }, ["r2", "r4", "r6"]],
    ["lt an instant", { column: "founded", op: "lt", value: "1959-05-28T09:00:00Z" }, ["r1"]],
    ["lte a day: up to its end", { column: "founded", op: "lte", value: "1959-05-28" }, ["r1", "r2"]],
    ["a leap day", { column: "founded", op: "eq", value: "2024-02-29" }, ["r6"]],
    ["is_empty", { column: "founded", op: "is_empty" }, ["r5"]],
    [
      'is_not_empty ("not a date" is a value)',
      { column: "founded", op: "is_not_empty" },
      ["r1", "r2", "r3", "r4", "r6"],
    ],
  ])("%s", async (_title, filter, expected) => {
    expect(await where(filter)).toEqual(expected);
  });
});

describe("boolean columns read true/false in any case; other words never match", () => {
  test.each<[string, FilterNode, string[]]>([
    ["eq true", { column: "active", op: "eq", value: true }, ["r1", "r6"]],
    ["eq false", { column: "active", op: "eq", value: "false" }, ["r2", "r4"]],
    ["neq true", { column: "active", op: "neq", value: true }, ["r2", "r4"]],
    ["is_empty", { column: "active", op: "is_empty" }, ["r5"]],
    ["is_not_empty", { column: "active", op: "is_not_empty" }, ["r1", "r2", "r3", "r4", "r6"]],
  ])("%s", async (_title, filter, expected) => {
    expect(await where(filter)).toEqual(expected);
  });
});

describe("groups", () => {
  test("and, or and nesting", async () => {
    expect(
      await where({
        or: [
          {
            and: [
              { column: "email", op: "is_empty" },
              { column: "employees", op: "is_not_empty" },
            ],
          },
          { column: "active", op: "eq", value: false },
        ],
      }),
    ).toEqual(["r2", "r3", "r4", "r6"]);
    expect(
      await where({
        and: [
          {
            or: [
              { column: "name", op: "contains", value: "a" },
              { column: "name", op: "is_empty" },
            ],
          },
          {
            or: [
              { column: "employees", op: "lt", value: 100 },
              { column: "founded", op: "is_empty" },
            ],
          },
        ],
      }),
    ).toEqual(["r1", "r5", "r6"]);
  });

  test("a group of one condition is that condition", async () => {
    expect(await where({ and: [{ or: [{ column: "name", op: "starts_with", value: "lin" }] }] })).toEqual(["r4"]);
  });

  test("an empty result is 200 with no rows and a total of 0", async () => {
    const res = await api.get(
      rowsUrl({ filter: JSON.stringify({ column: "name", op: "eq", value: "nobody" }), page: "1", limit: "10" }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: [],
      meta: { total: 0, page: 1, limit: 10, totalPages: 0, offset: 0, nextCursor: null },
    });
  });
});

describe("search (q)", () => {
  test("finds text in any column, case-insensitively", async () => {
    expect(await view({ q: "KERNEL" })).toEqual(["r4"]);
    expect(await view({ q: "analytical" })).toEqual(["r1"]);
    expect(await view({ q: "250" })).toEqual(["r2"]);
  });

  test("short text, quotes and wildcards are literal", async () => {
    expect(await view({ q: "%" })).toEqual(["r6"]);
    expect(await view({ q: '"quoted"' })).toEqual(["r6"]);
    expect(await view({ q: "r5" })).toEqual(["r5"]);
  });

  test("does not find column keys", async () => {
    expect(await view({ q: "employees" })).toEqual([]);
  });

  test("combines with the filter, and blank q is no search", async () => {
    expect(await view({ q: "a", filter: { column: "employees", op: "gt", value: 100 } })).toEqual(["r2"]);
    expect(await view({ q: "   " })).toEqual(["r1", "r2", "r3", "r4", "r5", "r6"]);
  });
});

describe("sort", () => {
  test("numbers numerically, empty and unparseable values last in both directions, ties by position", async () => {
    expect(await view({ sort: "employees:asc" })).toEqual(["r6", "r1", "r4", "r2", "r3", "r5"]);
    expect(await view({ sort: "employees:desc" })).toEqual(["r2", "r4", "r1", "r6", "r3", "r5"]);
  });

  test("text case-insensitively; the direction defaults to asc", async () => {
    expect(await view({ sort: "name" })).toEqual(["r6", "r1", "r3", "r2", "r4", "r5"]);
  });

  test("dates as instants", async () => {
    expect(await view({ sort: "founded:desc" })).toEqual(["r6", "r4", "r2", "r1", "r3", "r5"]);
  });

  test("several keys: the second breaks the first's ties, position the rest", async () => {
    expect(await view({ sort: "active:desc,name:desc" })).toEqual(["r1", "r6", "r4", "r2", "r3", "r5"]);
    expect(await view({ sort: "email:asc" })).toEqual(["r1", "r4", "r2", "r3", "r5", "r6"]);
  });

  test("sorts a filtered view", async () => {
    expect(await view({ sort: "employees:desc", filter: { column: "name", op: "is_not_empty" } })).toEqual([
      "r2",
      "r4",
      "r1",
      "r6",
      "r3",
    ]);
  });
});

test("a rejected view writes nothing", async () => {
  await withoutWrites(async () => {
    expectError(await api.get(rowsUrl({ filter: '{"column":"nope","op":"is_empty"}' })), 422, "validation_failed");
  });
});

test("a stored date with an offset Postgres cannot read (+16:00) is a value that is not a date, not an error", async () => {
  const table = await api.post("/api/tables", {
    name: "Offsets",
    columns: [
      { key: "label", label: "Label" },
      { key: "at", label: "At", dataType: "date" },
    ],
  });
  const id = table.body.id;
  const created = await api.post(`/api/tables/${id}/rows`, {
    rows: [
      { data: { label: "far", at: "2024-05-01T10:30+16:00" } },
      { data: { label: "edge", at: "2024-05-01T10:30+15:59" } },
      { data: { label: "day", at: "2024-05-02" } },
    ],
  });
  const label = new Map(created.body.data.map((r: { id: string; data: { label: string } }) => [r.id, r.data.label]));
  const read = async (params: Record<string, string>) => {
    const res = await api.get(`/api/tables/${id}/rows?${new URLSearchParams(params)}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data.map((r: { id: string }) => label.get(r.id));
  };
  expect(await read({ sort: "at:asc" })).toEqual(["edge", "day", "far"]);
  expect(await read({ filter: JSON.stringify({ column: "at", op: "gt", value: "2000-01-01" }) })).toEqual([
    "edge",
    "day",
  ]);
  const exported = await api.get(`/api/tables/${id}/export?sort=at`);
  expect(exported.status).toBe(200);
  expect(String(exported.body).trim().split(/\r?\n/)).toHaveLength(4);
  expect(String(exported.body).trim().split(/\r?\n/)[3]).toContain("+16:00");
  // As a filter value it is refused, naming the value.
  expectError(
    await api.get(
      `/api/tables/${id}/rows?${new URLSearchParams({ filter: JSON.stringify({ column: "at", op: "eq", value: "2024-05-01T10:30+16:00" }) })}`,
    ),
    422,
    "validation_failed",
  );
});

test("search finds text in the values themselves, never in how they are stored (JSON punctuation, escapes, null)", async () => {
  const table = await api.post("/api/tables", {
    name: "Search text",
    columns: [
      { key: "label", label: "Label" },
      { key: "note", label: "Note" },
      { key: "n", label: "N", dataType: "number" },
    ],
  });
  const id = table.body.id;
  const created = await api.post(`/api/tables/${id}/rows`, {
    rows: [
      { data: { label: "lines", note: "line1\nline2", n: 12.5 } },
      { data: { label: "tabs", note: "col1\tcol2", n: null } },
      { data: { label: "plain", note: 'say "hi", [twice]' } },
      { data: { label: "empty" } },
    ],
  });
  const label = new Map(created.body.data.map((r: { id: string; data: { label: string } }) => [r.id, r.data.label]));
  const search = async (q: string) => {
    const res = await api.get(`/api/tables/${id}/rows?${new URLSearchParams({ q })}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data.map((r: { id: string }) => label.get(r.id));
  };
  expect(await search("[")).toEqual(["plain"]);
  expect(await search(", ")).toEqual(["plain"]);
  expect(await search('", "')).toEqual([]);
  expect(await search("nline2")).toEqual([]);
  expect(await search("tcol2")).toEqual([]);
  expect(await search("line1\nline2")).toEqual(["lines"]);
  expect(await search("null")).toEqual([]);
  expect(await search("12.5")).toEqual(["lines"]);
  expect(await search('SAY "HI"')).toEqual(["plain"]);
  expect(await search("linesline1")).toEqual([]);
  expect(await search("LINE")).toEqual(["lines"]);
});
