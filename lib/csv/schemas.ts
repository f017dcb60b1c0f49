import { z } from "zod";
import { storableString } from "../api/text";
import { filterParam, searchParam, sortParam } from "../views/filter-schema";

export const importTableQuery = z.strictObject({
  name: storableString().trim().min(1).max(200).default("Imported table").describe("Name of the new table"),
  description: storableString().trim().max(2000).optional().describe("Optional description of the new table"),
});

export const appendImportQuery = z.strictObject({
  createColumns: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1")
    .describe("Create a column for each header that matches no column (otherwise such headers are a 422)"),
});

/**
 * GET /export: the whole table by default, or the rows of a view (the same `filter`, `sort` and
 * `q` as GET /rows) and only some columns, in the order given.
 */
export const exportQuery = z.strictObject({
  filter: filterParam.optional().describe("A filter tree as URL-encoded JSON, as in GET /rows"),
  sort: sortParam.optional().describe("column:asc,column:desc, as in GET /rows"),
  q: searchParam.optional().describe("Text found in any value of the row, as in GET /rows"),
  columns: z
    .string()
    .max(40_000)
    .transform((text) => text.split(",").map((key) => key.trim()))
    .refine((keys) => keys.every((key) => key !== ""), "must be column keys separated by commas")
    .optional()
    .describe("Column keys to export, comma-separated, in this order (default: every column in the table's order)"),
  formulas: z
    .enum(["escape", "keep"])
    .optional()
    .describe(
      "escape (default): text starting with = + - @, a tab or a carriage return gets a leading ' (spreadsheets); keep: values as they are (another tool's import)",
    ),
  bom: z
    .enum(["0", "1"])
    .optional()
    .describe("1: the file starts with a UTF-8 byte order mark, so that Excel reads accents and other scripts right"),
});
export type ExportQuery = z.output<typeof exportQuery>;
