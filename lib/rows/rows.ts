import "server-only";
import { getDb, type Tx } from "../db";
import { abandonTasks, finalizeJobs } from "../enrichment/store";
import { AppError, invalid, notFound } from "../errors";
import { shareLockTable } from "../tables/tables";
import { listRowWindow } from "../views/list-rows";
import { LOCK_ROWS_OF_TABLE, wellFormedIds } from "./by-id";
import type { CreateRowsInput, DeleteRowsInput, ListRowsQuery } from "./schemas";
import { ROW_COLUMNS, type RowData, type RowDto, type RowRecord, serializeRow } from "./serialize";

/** Locks the table against column changes for the transaction and returns its column keys. */
export async function columnKeysFor(tx: Tx, tableId: string): Promise<Set<string>> {
  await shareLockTable(tx, tableId);
  const columns = await tx.column.findMany({ where: { tableId }, select: { key: true } });
  return new Set(columns.map((c) => c.key));
}

export function unknownKeys(rows: { data: RowData }[], keys: Set<string>) {
  const details: { path: string; message: string }[] = [];
  rows.forEach((row, index) => {
    for (const key of Object.keys(row.data)) {
      if (!keys.has(key)) details.push({ path: `rows.${index}.data.${key}`, message: `unknown column key "${key}"` });
    }
  });
  return details;
}

/**
 * Locks the listed rows of the table in id order (FOR UPDATE), so overlapping deletes and
 * pastes cannot deadlock, and returns the ids locked and the ids that are not rows of the table
 * (malformed ones too, in request order). What is locked is what exists now, so a row deleted
 * meanwhile counts as unknown.
 */
export async function lockListedRows(
  tx: Tx,
  tableId: string,
  ids: string[],
): Promise<{ locked: string[]; unknown: string[] }> {
  const wellFormed = wellFormedIds(ids);
  const rows = await tx.$queryRawUnsafe<{ id: string }[]>(LOCK_ROWS_OF_TABLE, tableId, wellFormed);
  const locked = new Set(rows.map((r) => r.id));
  return { locked: [...locked], unknown: ids.filter((id) => !locked.has(id.toLowerCase())) };
}

function withoutNulls(data: RowData): RowData {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== null));
}

export type RowPage = {
  data: RowDto[];
  meta: { total: number; page: number; limit: number; totalPages: number; offset: number; nextCursor: number | null };
};

/** GET /rows: see l../views/list-rows.ts (the table's order, or a view of it). */
export async function listRows({ tableId, query }: { tableId: string; query: ListRowsQuery }): Promise<RowPage> {
  return listRowWindow({ tableId, query });
}

/**
 * Bulk row writes (up to 10,000 rows in one statement) may outlast Prisma's 5 s default on a
 * busy server; each row also feeds the search index (views migration), so give them a minute.
 */
export const BULK_ROWS_TRANSACTION = { timeout: 60_000, maxWait: 10_000 };

export async function createRows(
  { tableId, input }: { tableId: string; input: CreateRowsInput },
  db = getDb(),
): Promise<RowDto[]> {
  return db.$transaction(async (tx) => {
    // Bump updated_at first, so this takes the table's row lock it needs before the FOR SHARE
    // in columnKeysFor: upgrading a shared lock later deadlocks two inserts into one table.
    await tx.table.updateMany({ where: { id: tableId }, data: { updatedAt: new Date() } });
    const keys = await columnKeysFor(tx, tableId);
    const problems = unknownKeys(input.rows, keys);
    if (problems.length > 0) throw invalid("Row data may only use the table's column keys", problems.slice(0, 100));
    const payload = input.rows.map((r) => JSON.stringify(withoutNulls(r.data)));
    // One statement for the whole batch; WITH ORDINALITY keeps the request's order in `position`.
    const created = await tx.$queryRawUnsafe<RowRecord[]>(
      `WITH r AS (
         INSERT INTO rows (table_id, data)
         SELECT $1::uuid, u.d FROM unnest($2::jsonb[]) WITH ORDINALITY AS u(d, i) ORDER BY u.i
         RETURNING *)
       SELECT ${ROW_COLUMNS} FROM r ORDER BY r.position`,
      tableId,
      payload,
    );
    return created.map(serializeRow);
  }, BULK_ROWS_TRANSACTION);
}

export async function getRow(
  { tableId, rowId }: { tableId: string; rowId: string },
  db: Tx = getDb(),
): Promise<RowDto> {
  const row = await db.row.findFirst({ where: { id: rowId, tableId } });
  if (!row) throw notFound("row", rowId);
  return serializeRow(row);
}

/** Deletes a row and its tasks; its unfinished tasks count as failed so their jobs still end. */
export async function deleteRow({ tableId, rowId }: { tableId: string; rowId: string }, db = getDb()): Promise<void> {
  try {
    await deleteRows({ tableId, input: { ids: [rowId] } }, db);
  } catch (error) {
    // One row: an unknown id is a 404, as for every other route of one row.
    if (error instanceof AppError && error.code === "validation_failed") throw notFound("row", rowId);
    throw error;
  }
}

/**
 * Deletes many rows at once, all or none: ids that are not rows of the table are a 422
 * naming them. Their unfinished tasks count as failed first, so running jobs still end.
 */
export async function deleteRows(
  { tableId, input }: { tableId: string; input: DeleteRowsInput },
  db = getDb(),
): Promise<{ deleted: number }> {
  const { jobs, deleted } = await db.$transaction(
    async (tx) => {
      // The table's row lock first (as createRows does): taking a shared lock and upgrading it
      // later deadlocks two writers of one table.
      const table = await tx.table.updateMany({ where: { id: tableId }, data: { updatedAt: new Date() } });
      if (table.count === 0) throw notFound("table", tableId);
      const { locked: ids, unknown } = await lockListedRows(tx, tableId, input.ids);
      if (unknown.length > 0) {
        throw invalid(`${unknown.length} row id(s) are not in this table`, { unknownRowIds: unknown.slice(0, 100) });
      }
      const touched = await abandonTasks({ rowIds: ids }, "row deleted", tx);
      const count = await tx.$executeRaw`DELETE FROM rows WHERE id = ANY(${ids}::uuid[])`;
      return { jobs: touched, deleted: count };
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
  await finalizeJobs(jobs);
  return { deleted };
}
