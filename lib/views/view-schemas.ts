import { z } from "zod";
import { refusingProtoKey } from "../api/records";
import { storableString } from "../api/text";
import { columnKey } from "../columns/schemas";
import { filterTree, sortList } from "./filter-schema";

// Bodies of the saved-view routes. Shapes only: lib/views/views.ts checks the column keys
// against the table. Pure: the grid's fetchers reuse the types.

export const MAX_VIEWS_PER_TABLE = 200;
export const MIN_COLUMN_WIDTH = 60;
export const MAX_COLUMN_WIDTH = 1_200;

const viewName = storableString().trim().min(1).max(100).describe("Unique within the table");

const hiddenColumns = z
  .array(columnKey)
  .max(500)
  .refine((keys) => new Set(keys).size === keys.length, "a column is listed twice")
  .describe("Keys of the columns the grid hides");

const columnWidths = refusingProtoKey(
  z.record(columnKey, z.int().min(MIN_COLUMN_WIDTH).max(MAX_COLUMN_WIDTH)),
  'unknown column key "__proto__"',
).describe("Widths in pixels by column key");

const viewFilter = filterTree.nullable().describe("A filter tree, or null for every row");

export const createViewSchema = z.strictObject({
  name: viewName,
  filter: viewFilter.default(null),
  sort: sortList.default([]).describe("[{ column, direction }]; ties keep the table's order"),
  hiddenColumns: hiddenColumns.default([]),
  columnWidths: columnWidths.default({}),
});
export type CreateViewInput = z.output<typeof createViewSchema>;

export const updateViewSchema = z
  .strictObject({
    name: viewName.optional(),
    filter: viewFilter.optional(),
    sort: sortList.optional(),
    hiddenColumns: hiddenColumns.optional(),
    columnWidths: columnWidths.optional(),
  })
  .refine((patch) => Object.values(patch).some((v) => v !== undefined), {
    message: "give at least one of name, filter, sort, hiddenColumns, columnWidths",
  });
export type UpdateViewInput = z.output<typeof updateViewSchema>;

export const lastViewSchema = z.strictObject({
  viewId: z.uuid().nullable().describe("A saved view of the table, or null for all rows"),
});
