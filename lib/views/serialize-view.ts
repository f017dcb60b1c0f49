import type { TableView } from "../generated/prisma/client";
import type { FilterNode, SortKey } from "./filter-schema";

export type ViewDto = {
  id: string;
  tableId: string;
  name: string;
  filter: FilterNode | null;
  sort: SortKey[];
  hiddenColumns: string[];
  columnWidths: Record<string, number>;
  createdAt: string;
  updatedAt: string;
};

export function serializeView(view: TableView): ViewDto {
  return {
    id: view.id,
    tableId: view.tableId,
    name: view.name,
    filter: (view.filter ?? null) as FilterNode | null,
    sort: view.sort as SortKey[],
    hiddenColumns: view.hiddenColumns,
    columnWidths: view.columnWidths as Record<string, number>,
    createdAt: view.createdAt.toISOString(),
    updatedAt: view.updatedAt.toISOString(),
  };
}
