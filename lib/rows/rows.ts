import "server-only";
import { randomUUID } from "node:crypto";
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
    await deleteRows({ tableId, input: { ids: [rowId] }, keep: false }, db);
  } catch (error) {
    // One row: an unknown id is a 404, as for every other route of one row.
    if (error instanceof AppError && error.code === "validation_failed") throw notFound("row", rowId);
    throw error;
  }
}

/**
 * Deletes many rows at once, all or none: ids that are not rows of the table are a 422
 * naming them. Their unfinished tasks count as failed first, so running jobs still end.
 * With `keep` (the bulk API), their values are kept as one deletion (deleted_rows) that
 * restoreRows brings back for DELETED_ROWS_KEPT_DAYS.
 */
export async function deleteRows(
  { tableId, input, keep = true }: { tableId: string; input: DeleteRowsInput; keep?: boolean },
  db = getDb(),
): Promise<{ deleted: number; deletion: string | null }> {
  const deletion = keep ? randomUUID() : null;
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
      const count = deletion
        ? await tx.$executeRaw`
            WITH gone AS (
              DELETE FROM rows WHERE id = ANY(${ids}::uuid[]) RETURNING id, table_id, position, data, created_at)
            INSERT INTO deleted_rows (deletion_id, id, table_id, position, data, created_at)
            SELECT ${deletion}::uuid, id, table_id, position, data, created_at FROM gone`
        : await tx.$executeRaw`DELETE FROM rows WHERE id = ANY(${ids}::uuid[])`;
      return { jobs: touched, deleted: count };
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
  await finalizeJobs(jobs);
  return { deleted, deletion };
}

/** How long deleted rows can be restored; then the daily retention pass purges them. */
export const DELETED_ROWS_KEPT_DAYS = 30;

/**
 * Brings back the rows of one deletion (deleteRows), under their ids and at their places, with
 * the values of the columns that still exist (a column created after the deletion, even under
 * a deleted column's key, gets nothing). Their cells have no run: the tasks went with the rows.
 * A deletion is restored once; an unknown, restored or purged one is a 404.
 */
export async function restoreRows(
  { tableId, deletion }: { tableId: string; deletion: string },
  db = getDb(),
): Promise<RowDto[]> {
  return db.$transaction(async (tx) => {
    const table = await tx.table.updateMany({ where: { id: tableId }, data: { updatedAt: new Date() } });
    if (table.count === 0) throw notFound("table", tableId);
    await shareLockTable(tx, tableId);
    const restored = await tx.$queryRawUnsafe<RowRecord[]>(
      `WITH back AS (
         DELETE FROM deleted_rows WHERE table_id = $1::uuid AND deletion_id = $2::uuid
         RETURNING id, position, data, created_at, deleted_at
       ), r AS (
         INSERT INTO rows (id, table_id, position, data, created_at)
         SELECT b.id, $1::uuid, b.position,
                (SELECT coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb)
                   FROM jsonb_each(b.data) e
                  WHERE EXISTS (SELECT 1 FROM columns c
                                 WHERE c.table_id = $1::uuid AND c.key = e.key AND c.created_at <= b.deleted_at)),
                b.created_at
           FROM back b ORDER BY b.position
         RETURNING *)
       SELECT ${ROW_COLUMNS} FROM r ORDER BY r.position`,
      tableId,
      deletion,
    );
    if (restored.length === 0) {
      throw new AppError(
        "not_found",
        `Deletion ${deletion} was not found: it was restored already, is older than ${DELETED_ROWS_KEPT_DAYS} days, or is of another table`,
      );
    }
    return restored.map(serializeRow);
  }, BULK_ROWS_TRANSACTION);
}

/** Rows purged per statement by purgeDeletedRows. */
const PURGE_BATCH = 5_000;

/**
 * Purges deletions older than `keptDays` (the daily retention pass), at most `maxBatches`
 * statements of PURGE_BATCH rows; returns the rows purged and whether older ones remain.
 */
export async function purgeDeletedRows(
  { keptDays = DELETED_ROWS_KEPT_DAYS, maxBatches = 20 }: { keptDays?: number; maxBatches?: number } = {},
  db = getDb(),
): Promise<{ purged: number; more: boolean }> {
  let purged = 0;
  for (let i = 0; i < maxBatches; i++) {
    const count = await db.$executeRaw`
      DELETE FROM deleted_rows WHERE ctid = ANY(ARRAY(
        SELECT ctid FROM deleted_rows WHERE deleted_at < now() - make_interval(days => ${keptDays}::int)
         LIMIT ${PURGE_BATCH}::int))`;
    purged += count;
    if (count < PURGE_BATCH) return { purged, more: false };
  }
  return { purged, more: true };
}
