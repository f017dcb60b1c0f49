import { type ColumnDto, serializeColumn } from "../columns/serialize";
import type { Column, Table } from "../generated/prisma/client";

export type TableDto = {
  id: string;
  name: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
  rowCount: number;
  columns?: ColumnDto[];
};

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
