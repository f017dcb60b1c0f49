import { type CellStates, readCellStates } from "../enrichment/store/cell-states";
import type { RowStatus } from "../generated/prisma/client";

export type { CellStates };

export type RowData = Record<string, string | number | boolean | null>;

/** A row as read from the database (a Prisma model or a raw query selecting ROW_COLUMNS). */
export type RowRecord = {
  id: string;
  tableId: string;
  position: bigint;
  data: unknown;
  cellStates: unknown;
  status: RowStatus;
  confidence: number | null;
  error: string | null;
  lastRunAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

/** The select list of raw queries that return RowRecords, with `rows` aliased as `r`. */
export const ROW_COLUMNS = `r.id::text AS id, r.table_id::text AS "tableId", r.position, r.data,
  r.cell_states AS "cellStates", r.status, r.confidence, r.error, r.last_run_at AS "lastRunAt",
  r.created_at AS "createdAt", r.updated_at AS "updatedAt"`;

export type RowDto = {
  id: string;
  tableId: string;
  position: number;
  data: RowData;
  /** Latest task state of each enriched cell of the row, by column id. */
  cells: CellStates;
  status: RowStatus;
  confidence: number | null;
  error: string | null;
  lastRunAt: string | null;
  createdAt: string;
  updatedAt: string;
};

export function serializeRow(row: RowRecord): RowDto {
  return {
    id: row.id,
    tableId: row.tableId,
    position: Number(row.position),
    data: (row.data ?? {}) as RowData,
    cells: readCellStates(row.cellStates),
    status: row.status,
    // The mean of its cells' confidences, without a float's noise (0.705, not 0.7050000000000001).
    confidence: row.confidence === null ? null : Math.round(row.confidence * 1e6) / 1e6,
    error: row.error,
    lastRunAt: row.lastRunAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
