import { describe, expect, test } from "vitest";
import { changeColumn, draftFor, fromFlat, isComplete, toFlat, typedDate, typedNumber } from "@/lib/client/filter-edit";
import {
  isFiltered,
  PLAIN_VIEW,
  rowFilterOf,
  viewKey,
  viewOfKey,
  viewParams,
  withEmptyCells,
} from "@/lib/client/view-query";
import { emptyView, fitColumns, isDirty, viewFits, viewReducer } from "@/lib/client/view-state";
import type { ColumnDto } from "@/lib/columns/serialize";
import type { FilterNode } from "@/lib/views/filter-schema";
import type { ViewDto } from "@/lib/views/serialize-view";

const column = (key: string, dataType: ColumnDto["dataType"]): ColumnDto => ({
  id: `id-${key}`,
  tableId: "t",
  key,
  label: key,
  dataType,
  order: 0,
  recipe: null,
  createdAt: "",
  updatedAt: "",
});
const COLUMNS = [
  column("name", "text"),
  column("employees", "number"),
  column("founded", "date"),
  column("active", "boolean"),
];
const EMPTY: FilterNode = { column: "name", op: "is_empty" };

describe("view query", () => {
  test("the table's own order has no parameters and one key; a view's parameters name it", () => {
    expect(viewParams(PLAIN_VIEW)).toEqual({});
    expect(viewKey(PLAIN_VIEW)).toBe("all");
    const view = { filter: EMPTY, sort: [{ column: "name", direction: "desc" as const }], q: "  acme " };
    expect(viewParams(view)).toEqual({ filter: JSON.stringify(EMPTY), sort: "name:desc", q: "acme" });
    expect(viewKey(view)).toBe(viewKey({ ...view, q: "acme" }));
    expect(viewKey(view)).not.toBe(viewKey({ ...view, sort: [] }));
  });

  test("a key names its view again (viewOfKey), and an unreadable key names none", () => {
    const view = {
      filter: { and: [EMPTY, { column: "employees", op: "gt" as const, value: 5 }] },
      sort: [{ column: "name", direction: "desc" as const }],
      q: "acme",
    };
    expect(viewOfKey(viewKey(view))).toEqual(view);
    expect(viewOfKey("all")).toEqual(PLAIN_VIEW);
    expect(viewOfKey(viewKey({ ...PLAIN_VIEW, sort: view.sort }))).toEqual({ ...PLAIN_VIEW, sort: view.sort });
    expect(viewOfKey("filter=%7Bnot+json")).toBeNull();
  });

  test("empty cells only: the view narrowed to the rows whose column is empty, its search kept", () => {
    const empty = { column: "email", op: "is_empty" };
    expect(withEmptyCells(PLAIN_VIEW, "email")).toEqual({ ...PLAIN_VIEW, filter: empty });
    expect(rowFilterOf(withEmptyCells({ filter: EMPTY, sort: [], q: "acme" }, "email"))).toEqual({
      and: [{ and: [EMPTY, empty] }, { op: "search", value: "acme" }],
    });
  });

  test("a sort alone shows every row; a filter or a search does not", () => {
    expect(isFiltered({ ...PLAIN_VIEW, sort: [{ column: "name", direction: "asc" }] })).toBe(false);
    expect(isFiltered({ ...PLAIN_VIEW, q: "x" })).toBe(true);
    expect(isFiltered({ ...PLAIN_VIEW, q: "  " })).toBe(false);
    expect(isFiltered({ ...PLAIN_VIEW, filter: EMPTY })).toBe(true);
  });

  test("the rows to enrich are the filter and the search together", () => {
    expect(rowFilterOf(PLAIN_VIEW)).toBeNull();
    expect(rowFilterOf({ ...PLAIN_VIEW, filter: EMPTY })).toEqual(EMPTY);
    expect(rowFilterOf({ ...PLAIN_VIEW, q: " acme " })).toEqual({ op: "search", value: "acme" });
    expect(rowFilterOf({ filter: EMPTY, sort: [], q: "acme" })).toEqual({
      and: [EMPTY, { op: "search", value: "acme" }],
    });
  });
});

describe("working view", () => {
  const saved: ViewDto = {
    id: "v1",
    tableId: "t",
    name: "Saved",
    filter: EMPTY,
    sort: [{ column: "name", direction: "asc" }],
    hiddenColumns: ["founded", "active"],
    columnWidths: { name: 240 },
    createdAt: "",
    updatedAt: "",
  };

  test("loading a saved view is clean; any change makes it dirty; order of hidden columns and widths does not", () => {
    const loaded = viewReducer(emptyView(), { type: "load", view: saved });
    expect(isDirty(loaded, saved)).toBe(false);
    expect(isDirty(viewReducer(loaded, { type: "filter", filter: null }), saved)).toBe(true);
    expect(isDirty(viewReducer(loaded, { type: "widths", widths: { name: 250 } }), saved)).toBe(true);
    const reordered = { ...loaded, hiddenColumns: ["active", "founded"] };
    expect(isDirty(reordered, saved)).toBe(false);
    expect(isDirty(emptyView(), null)).toBe(false);
  });

  test("a header's sort replaces the sort; hiding twice hides once; showing brings it back", () => {
    let state = viewReducer(emptyView(), {
      type: "sort",
      sort: [
        { column: "a", direction: "asc" },
        { column: "b", direction: "asc" },
      ],
    });
    state = viewReducer(state, { type: "sortBy", column: "b", direction: "desc" });
    expect(state.sort).toEqual([{ column: "b", direction: "desc" }]);
    state = viewReducer(viewReducer(state, { type: "hide", column: "name" }), { type: "hide", column: "name" });
    expect(state.hiddenColumns).toEqual(["name"]);
    expect(viewReducer(state, { type: "show", column: "name" }).hiddenColumns).toEqual([]);
  });
});

describe("the working view after its columns changed", () => {
  const working = {
    ...emptyView(),
    filter: { and: [EMPTY, { column: "employees", op: "gt" as const, value: 100 }] },
    sort: [
      { column: "founded", direction: "desc" as const },
      { column: "name", direction: "asc" as const },
    ],
    hiddenColumns: ["active"],
  };

  test("unchanged columns leave the very same state", () => {
    expect(fitColumns(working, COLUMNS)).toBe(working);
    expect(viewFits({ filter: working.filter, sort: working.sort, q: "" }, COLUMNS)).toBe(true);
  });

  test("a column retyped takes the conditions that no longer fit it; a column deleted its sort and settings", () => {
    const retyped = COLUMNS.map((c) => (c.key === "employees" ? { ...c, dataType: "text" as const } : c));
    expect(fitColumns(working, retyped).filter).toEqual({ and: [EMPTY] });
    expect(viewFits({ filter: working.filter, sort: [], q: "" }, retyped)).toBe(false);
    const deleted = COLUMNS.filter((c) => c.key !== "founded" && c.key !== "active");
    const fitted = fitColumns(working, deleted);
    expect(fitted.sort).toEqual([{ column: "name", direction: "asc" }]);
    expect(fitted.hiddenColumns).toEqual([]);
    expect(viewFits({ filter: null, sort: working.sort, q: "" }, deleted)).toBe(false);
  });
});

describe("filter editor", () => {
  test("a flat tree round-trips; one condition is sent alone; incomplete conditions are left out", () => {
    const flat = toFlat({ or: [EMPTY, { column: "employees", op: "gt", value: 10 }] });
    expect(flat).toEqual({
      join: "or",
      conditions: [
        { column: "name", op: "is_empty", value: "" },
        { column: "employees", op: "gt", value: "10" },
      ],
    });
    expect(fromFlat(flat ?? { join: "and", conditions: [] }, COLUMNS)).toEqual({
      or: [EMPTY, { column: "employees", op: "gt", value: 10 }],
    });
    expect(
      fromFlat(
        {
          join: "and",
          conditions: [
            { column: "employees", op: "gt", value: "ten" },
            { column: "founded", op: "lt", value: "2024-02-30" },
            { column: "name", op: "contains", value: "" },
            { column: "active", op: "eq", value: "false" },
          ],
        },
        COLUMNS,
      ),
    ).toEqual({ column: "active", op: "eq", value: false });
    expect(fromFlat({ join: "and", conditions: [] }, COLUMNS)).toBeNull();
  });

  test("nested groups and status or search conditions are not editable as a list", () => {
    expect(toFlat({ and: [EMPTY, { or: [EMPTY] }] })).toBeNull();
    expect(toFlat({ op: "row_status_is", value: "done" })).toBeNull();
    expect(toFlat({ and: [EMPTY, { op: "search", value: "x" }] })).toBeNull();
    expect(toFlat(null)).toEqual({ join: "and", conditions: [] });
  });

  test("a new condition takes its column's first operator; changing the column keeps what still fits", () => {
    expect(draftFor(COLUMNS[0])).toEqual({ column: "name", op: "contains", value: "" });
    expect(draftFor(COLUMNS[3])).toEqual({ column: "active", op: "eq", value: "true" });
    expect(draftFor(COLUMNS[1], "lt")).toEqual({ column: "employees", op: "lt", value: "" });
    expect(changeColumn({ column: "name", op: "contains", value: "5" }, COLUMNS[1])).toEqual({
      column: "employees",
      op: "eq",
      value: "5",
    });
    expect(isComplete({ column: "employees", op: "eq", value: "5" }, COLUMNS)).toBe(true);
    expect(isComplete({ column: "founded", op: "eq", value: "May 1" }, COLUMNS)).toBe(false);
  });

  test("typed values read as a person writes them: thousands separators, and dates as the grid shows them", () => {
    expect(typedNumber("1,000")).toBe(1000);
    expect(typedNumber("-12,345.5")).toBe(-12345.5);
    expect(typedNumber("12,5")).toBeNull();
    expect(typedNumber("1,00")).toBeNull();
    expect(typedDate("2024-05-01")).toBe("2024-05-01");
    expect(typedDate("May 1, 2024")).toBe("2024-05-01");
    expect(typedDate("Apr 7, 2013")).toBe("2013-04-07");
    expect(typedDate("september 30 2020")).toBe("2020-09-30");
    expect(typedDate("Feb 30, 2024")).toBeNull();
    expect(typedDate("05/05/2020")).toBeNull();
    expect(
      fromFlat(
        {
          join: "and",
          conditions: [
            { column: "employees", op: "gt", value: "1,000" },
            { column: "founded", op: "lt", value: "May 1, 2024" },
          ],
        },
        COLUMNS,
      ),
    ).toEqual({
      and: [
        { column: "employees", op: "gt", value: 1000 },
        { column: "founded", op: "lt", value: "2024-05-01" },
      ],
    });
  });
});
