import type { Column } from "../generated/prisma/client";
import { type Recipe, readRecipe } from "../providers/recipe";

export type ColumnDto = {
  id: string;
  tableId: string;
  key: string;
  label: string;
  dataType: Column["dataType"];
  order: number;
  /** The column's enrichment recipe; null: the demo provider. */
  recipe: Recipe | null;
  createdAt: string;
  updatedAt: string;
};

export function serializeColumn(column: Column): ColumnDto {
  return {
    id: column.id,
    tableId: column.tableId,
    key: column.key,
    label: column.label,
    dataType: column.dataType,
    order: column.order,
    recipe: readRecipe(column.recipe) ?? null,
    createdAt: column.createdAt.toISOString(),
    updatedAt: column.updatedAt.toISOString(),
  };
}
