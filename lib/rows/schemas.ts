import { z } from "zod";
import { MAX_OFFSET, MAX_PAGE, queryInt } from "../api/query";
import { refusingProtoKey } from "../api/records";
import { storableString } from "../api/text";
import { filterParam, searchParam, sortParam } from "../views/filter-schema";

export const MAX_ROWS_PER_REQUEST = 10_000;
export const MAX_ROWS_PAGE = 1000;
/** Bulk row bodies may be large; everything else uses the 1 MiB default. */
export const ROWS_BODY_LIMIT = 16 * 1024 * 1024;

export const cellValue = z
  .union([storableString().max(10_000), z.number(), z.boolean(), z.null()])
  .describe("A cell value; null clears the cell");

export const rowData = refusingProtoKey(z.record(z.string(), cellValue), 'unknown column key "__proto__"').describe(
  "Values keyed by column key",
);

export const createRowsSchema = z.strictObject({
  rows: z
    .array(z.strictObject({ data: rowData.default({}) }))
    .min(1, "give at least one row")
    .max(MAX_ROWS_PER_REQUEST, `at most ${MAX_ROWS_PER_REQUEST} rows per request`),
});
export type CreateRowsInput = z.output<typeof createRowsSchema>;

export const updateRowSchema = z.strictObject({
  data: rowData.describe("Keys to set (merged into the row's data); null removes a key"),
});
export type UpdateRowInput = z.output<typeof updateRowSchema>;

export const updateRowsSchema = z
  .strictObject({
    rows: z
      .array(
        z.strictObject({
          id: z.string().min(1).max(100).describe("Row id"),
          data: rowData.describe("Keys to set (merged into the row's data); null removes a key"),
        }),
      )
      .min(1, "give at least one row")
      .max(MAX_ROWS_PER_REQUEST, `at most ${MAX_ROWS_PER_REQUEST} rows per request`),
  })
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    body.rows.forEach((row, index) => {
      const id = row.id.toLowerCase();
      if (seen.has(id))
        ctx.addIssue({ code: "custom", path: ["rows", index, "id"], message: "the same row is listed twice" });
      seen.add(id);
    });
  });
export type UpdateRowsInput = z.output<typeof updateRowsSchema>;

export const MAX_ROWS_PER_DELETE = 100_000;

export const deleteRowsSchema = z.strictObject({
  ids: z
    .array(z.string().min(1).max(100))
    .min(1, "give at least one row id")
    .max(MAX_ROWS_PER_DELETE, `at most ${MAX_ROWS_PER_DELETE} rows per request`)
    .describe("Ids of the rows to delete; all of them or none are deleted"),
});
export type DeleteRowsInput = z.output<typeof deleteRowsSchema>;

export const restoreRowsSchema = z.strictObject({
  deletion: z.uuid("must be the `meta.deletion` of a DELETE /rows answer").describe("The deletion to take back"),
});

/**
 * Three ways to read rows: `page` + `limit` (pages), `offset` + `limit` (windows for the
 * grid's virtual scrolling) and `after` + `limit` (keyset cursor: the `position` of the
 * last row seen, for exports and infinite lists). Each works on a view too: `filter`, `sort`
 * and `q` choose and order the rows (lib/views/), and `meta.total` counts the view's rows.
 */
export const listRowsQuery = z
  .strictObject({
    page: queryInt({ min: 1, max: MAX_PAGE }).optional(),
    offset: queryInt({ min: 0, max: MAX_OFFSET }).optional(),
    after: queryInt({ min: 0, max: Number.MAX_SAFE_INTEGER }).optional(),
    limit: queryInt({ min: 1, max: MAX_ROWS_PAGE }).default(50),
    filter: filterParam.optional().describe("A filter tree as URL-encoded JSON"),
    sort: sortParam.optional().describe("column:asc,column:desc; ties keep the table's order"),
    q: searchParam.optional().describe("Text found in any value of the row (case-insensitive)"),
  })
  .refine((q) => [q.page, q.offset, q.after].filter((v) => v !== undefined).length <= 1, {
    message: "use only one of page, offset, after",
  });
export type ListRowsQuery = z.output<typeof listRowsQuery>;
