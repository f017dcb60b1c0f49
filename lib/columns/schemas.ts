import { z } from "zod";
import { storableString } from "../api/text";
import { recipeSchema } from "../providers/recipe";

export const COLUMN_KEY_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
export const MAX_COLUMNS_PER_TABLE = 500;

export const columnKey = z
  .string()
  .regex(COLUMN_KEY_PATTERN, "must start with a lowercase letter and contain only a-z, 0-9 and _ (max 63 chars)")
  .describe("Stable identifier of the column, unique within its table; the key of the value in Row.data");

export const columnDataType = z
  .enum(["text", "number", "url", "email", "boolean", "date"])
  .describe("How values of the column are shown and edited");

export const columnLabel = storableString().trim().min(1).max(200).describe("Header shown in the grid");

export const columnInput = z.strictObject({
  key: columnKey,
  label: columnLabel,
  dataType: columnDataType.default("text"),
});

const columnRecipe = recipeSchema
  .nullable()
  .describe("How the column is enriched: a provider waterfall (see README); null for the demo provider");

export const createColumnSchema = columnInput.extend({
  order: z.int().min(0).optional().describe("0-based position; defaults to the end"),
  recipe: columnRecipe.optional(),
});
export type CreateColumnInput = z.output<typeof createColumnSchema>;

export const updateColumnSchema = z
  .strictObject({
    label: columnLabel.optional(),
    dataType: columnDataType.optional(),
    order: z.int().min(0).optional().describe("New 0-based position; the other columns shift"),
    recipe: columnRecipe.optional(),
  })
  .refine((v) => v.label !== undefined || v.dataType !== undefined || v.order !== undefined || v.recipe !== undefined, {
    message: "give at least one of label, dataType, order, recipe",
  });
export type UpdateColumnInput = z.output<typeof updateColumnSchema>;
