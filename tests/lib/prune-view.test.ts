import { expect, test } from "vitest";
import { filterColumns } from "@/lib/views/filter-columns";
import { pruneView } from "@/lib/views/prune-view";
import type { ViewColumn } from "@/lib/views/resolve";

const COLUMNS: ViewColumn[] = [
  { id: "1", key: "name", dataType: "text" },
  { id: "2", key: "employees", dataType: "text" },
];

test("a view loses the parts that no longer fit the table's columns, and nothing else", () => {
  const pruned = pruneView(
    {
      filter: {
        and: [
          { column: "name", op: "contains", value: "a" },
          {
            or: [
              { column: "email", op: "is_empty" },
              { column: "employees", op: "gt", value: 5 },
            ],
          },
          {
            or: [
              { column: "employees", op: "is_empty" },
              { column: "email", op: "is_empty" },
            ],
          },
        ],
      },
      sort: [
        { column: "email", direction: "asc" },
        { column: "name", direction: "desc" },
      ],
      hiddenColumns: ["email", "employees"],
      columnWidths: { email: 100, name: 200 },
    },
    COLUMNS,
  );
  expect(pruned).toEqual({
    filter: {
      and: [{ column: "name", op: "contains", value: "a" }, { or: [{ column: "employees", op: "is_empty" }] }],
    },
    sort: [{ column: "name", direction: "desc" }],
    hiddenColumns: ["employees"],
    columnWidths: { name: 200 },
  });
});

test("a filter left with nothing is no filter", () => {
  const parts = { sort: [], hiddenColumns: [], columnWidths: {} };
  expect(pruneView({ ...parts, filter: { or: [{ column: "email", op: "is_empty" }] } }, COLUMNS).filter).toBeNull();
});

test("the columns a filter names", () => {
  expect([
    ...filterColumns({
      and: [
        { column: "a", op: "is_empty" },
        {
          or: [
            { op: "row_status_is", value: "done" },
            { column: "b", op: "is_empty" },
          ],
        },
      ],
    }),
  ]).toEqual(["a", "b"]);
});
