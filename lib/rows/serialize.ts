import type { Row } from "../generated/prisma/client";

export type RowData = Record<string, string | number | boolean | null>;

/** Latest task state of each enriched cell of the row, by column id. */
export type CellStates = Record<
  string,
  { taskId: string; status: "queued" | "running" | "done" | "failed"; confidence?: number; error?: string }
>;

export type RowDto = {
  id: string;
  tableId: string;
  position: number;
  data: RowData;
  cells: CellStates;
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
    cells: cellStates(row.cellStates),
    status: row.status,
    confidence: row.confidence,
    error: row.error,
    lastRunAt: row.lastRunAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function cellStates(raw: unknown): CellStates {
  const out: CellStates = {};
  for (const [columnId, value] of Object.entries(
    (raw ?? {}) as Record<string, { t: string; s: string; c?: number; e?: string }>,
  )) {
    out[columnId] = {
      taskId: value.t,
      status: value.s as CellStates[string]["status"],
      ...(value.c !== undefined ? { confidence: value.c } : {}),
      ...(value.e !== undefined ? { error: value.e } : {}),
    };
  }
  return out;
}
