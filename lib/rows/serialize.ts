import type { Row } from "../generated/prisma/client";

export type RowData = Record<string, string | number | boolean | null>;

export type RowDto = {
  id: string;
  tableId: string;
  position: number;
  data: RowData;
  status: Row["status"];
  confidence: number | null;
  error: string | null;
  lastRunAt: string | null;
  createdAt: string;
  updatedAt: string;
};

export function serializeRow(row: Row): RowDto {
  return {
    id: row.id,
    tableId: row.tableId,
    position: Number(row.position),
    data: (row.data ?? {}) as RowData,
    status: row.status,
    confidence: row.confidence,
    error: row.error,
    lastRunAt: row.lastRunAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
