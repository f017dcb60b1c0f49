import type { Column } from "../generated/prisma/client";

export type ColumnDto = {
  id: string;
  tableId: string;
  key: string;
  label: string;
  dataType: Column["dataType"];
  order: number;
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
    createdAt: column.createdAt.toISOString(),
    updatedAt: column.updatedAt.toISOString(),
  };
}
