import { z } from "zod";
import { MAX_PAGE, queryInt } from "../api/query";
import { storableString } from "../api/text";
import { columnInput, MAX_COLUMNS_PER_TABLE } from "../columns/schemas";

export const createTableSchema = z
  .strictObject({
    name: storableString().trim().min(1).max(200).describe("Table name"),
    description: storableString().trim().max(2000).nullish().describe("Optional description"),
    columns: z.array(columnInput).max(MAX_COLUMNS_PER_TABLE).default([]).describe("Initial columns, in order"),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.columns.forEach((column, index) => {
      if (seen.has(column.key)) {
        ctx.addIssue({
          code: "custom",
          path: ["columns", index, "key"],
          message: `duplicate column key "${column.key}"`,
        });
      }
      seen.add(column.key);
    });
  });
export type CreateTableInput = z.output<typeof createTableSchema>;

export const updateTableSchema = z
  .strictObject({
    name: storableString().trim().min(1).max(200).optional(),
    description: storableString().trim().max(2000).nullable().optional(),
  })
  .refine((v) => v.name !== undefined || v.description !== undefined, {
    message: "give at least one of name, description",
  });
export type UpdateTableInput = z.output<typeof updateTableSchema>;

export const listTablesQuery = z.strictObject({
  page: queryInt({ min: 1, max: MAX_PAGE }).default(1),
  limit: queryInt({ min: 1, max: 200 }).default(50),
});
