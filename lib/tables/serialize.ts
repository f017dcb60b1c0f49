import type { Column, Table } from "../generated/prisma/client";

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

export type TableDto = {
  id: string;
  name: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
  rowCount: number;
  columns?: ColumnDto[];
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

export function serializeTable(table: Table, extra: { rowCount: number; columns?: Column[] }): TableDto {
  return {
    id: table.id,
    name: table.name,
    description: table.description,
    createdAt: table.createdAt.toISOString(),
    updatedAt: table.updatedAt.toISOString(),
    rowCount: extra.rowCount,
    ...(extra.columns ? { columns: extra.columns.map(serializeColumn) } : {}),
  };
}
