import "server-only";
import { getDb } from "../db";
import { endEditedCells, finalizeJobs, restoreEnrichedCells } from "../enrichment/store";
import { invalid, notFound } from "../errors";
import { BULK_ROWS_TRANSACTION, columnKeysFor, lockListedRows, unknownKeys } from "./rows";
import type { UpdateRowInput, UpdateRowsInput } from "./schemas";
import { ROW_COLUMNS, type RowData, type RowDto, type RowRecord, serializeRow } from "./serialize";

// Writing values into rows. Each row's keys are merged atomically in SQL (a concurrent
// enrichment of another cell of the row is never lost); null removes a key. A value written
// by hand wins over the cell's enrichment: the cell's queued or running task ends and its
// state goes (lib/enrichment/store/edited-cells.ts), and comes back when the value written is
// again the one its latest run found (an undo); the jobs that ends are finalized after the
// commit, so one whose last cells were edited ends too.

const MERGE = `
  WITH u AS (
    SELECT * FROM unnest($2::uuid[], $3::jsonb[], $4::jsonb[]) AS u(id, set, remove)
  ), r AS (
    UPDATE rows r
       SET data = (r.data - ARRAY(SELECT jsonb_array_elements_text(u.remove))) || u.set, updated_at = now()
      FROM u
     WHERE r.id = u.id AND r.table_id = $1::uuid
    RETURNING r.*
  )
  SELECT ${ROW_COLUMNS} FROM r ORDER BY r.position`;

function split(data: RowData) {
  const set = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== null));
  const remove = Object.entries(data)
    .filter(([, v]) => v === null)
    .map(([k]) => k);
  return { set: JSON.stringify(set), remove: JSON.stringify(remove) };
}

/**
 * Merges values into many rows at once (a paste): all rows or none. Ids that are not rows of
 * this table are a 422 naming them, and nothing is written.
 */
export async function updateRows(
  { tableId, input }: { tableId: string; input: UpdateRowsInput },
  db = getDb(),
): Promise<RowDto[]> {
  const { rows, jobIds } = await db.$transaction(async (tx) => {
    const keys = await columnKeysFor(tx, tableId);
    const problems = unknownKeys(input.rows, keys);
    if (problems.length > 0) throw invalid("Row data may only use the table's column keys", problems.slice(0, 100));
    const { unknown } = await lockListedRows(
      tx,
      tableId,
      input.rows.map((r) => r.id),
    );
    if (unknown.length > 0) {
      throw invalid(`${unknown.length} row id(s) are not in this table`, { unknownRowIds: unknown.slice(0, 100) });
    }
    const ids = input.rows.map((r) => r.id.toLowerCase());
    const parts = input.rows.map((r) => split(r.data));
    const edits = parts.map((p, i) => ({ rowId: ids[i] as string, ...p }));
    const jobIds = await endEditedCells({ tableId, edits }, tx);
    await restoreEnrichedCells({ tableId, edits }, tx);
    const updated = await tx.$queryRawUnsafe<RowRecord[]>(
      MERGE,
      tableId,
      ids,
      parts.map((p) => p.set),
      parts.map((p) => p.remove),
    );
    return { rows: updated.map(serializeRow), jobIds };
  }, BULK_ROWS_TRANSACTION);
  await finalizeJobs(jobIds);
  return rows;
}

/**
 * One row's write: it may queue behind other writes of the same row (each holds the row's lock
 * for a few milliseconds), which on a loaded machine can take longer than Prisma's 5 s default.
 */
const ROW_TRANSACTION = { timeout: 20_000, maxWait: 10_000 };

/** Merges `data` into one row atomically (set keys, null removes a key). */
export async function updateRow(
  { tableId, rowId, input }: { tableId: string; rowId: string; input: UpdateRowInput },
  db = getDb(),
): Promise<RowDto> {
  const { row, jobIds } = await db.$transaction(async (tx) => {
    const keys = await columnKeysFor(tx, tableId);
    const problems = unknownKeys([input], keys).map((p) => ({ ...p, path: p.path.replace(/^rows\.0\./, "") }));
    if (problems.length > 0) throw invalid("Row data may only use the table's column keys", problems);
    const { locked } = await lockListedRows(tx, tableId, [rowId]);
    if (locked.length === 0) throw notFound("row", rowId);
    const { set, remove } = split(input.data);
    const jobIds = await endEditedCells({ tableId, edits: [{ rowId, set, remove }] }, tx);
    await restoreEnrichedCells({ tableId, edits: [{ rowId, set, remove }] }, tx);
    const [updated] = await tx.$queryRawUnsafe<RowRecord[]>(MERGE, tableId, [rowId], [set], [remove]);
    if (!updated) throw notFound("row", rowId);
    return { row: serializeRow(updated), jobIds };
  }, ROW_TRANSACTION);
  await finalizeJobs(jobIds);
  return row;
}
