import { getDb, type Tx } from "../db";
import { abandonTasks } from "../enrichment/abandon";
import { finalizeJobs } from "../enrichment/task-sql";
import { invalid, notFound } from "../errors";
import type { Row } from "../generated/prisma/client";
import type { CreateRowsInput, ListRowsQuery, UpdateRowInput } from "./schemas";
import { type RowData, type RowDto, serializeRow } from "./serialize";

/** Locks the table against column changes for the transaction and returns its column keys. */
export async function columnKeysFor(tx: Tx, tableId: string): Promise<Set<string>> {
  const table = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM tables WHERE id = ${tableId}::uuid FOR SHARE`;
  if (table.length === 0) throw notFound("table", tableId);
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

function withoutNulls(data: RowData): RowData {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== null));
}

export type RowPage = {
  data: RowDto[];
  meta: { total: number; page: number; limit: number; totalPages: number; offset: number; nextCursor: number | null };
};

export async function listRows(
  { tableId, query }: { tableId: string; query: ListRowsQuery },
  db: Tx = getDb(),
): Promise<RowPage> {
  const table = await db.table.findUnique({ where: { id: tableId }, select: { id: true } });
  if (!table) throw notFound("table", tableId);
  const { limit } = query;
  const offset = query.offset ?? (query.after === undefined ? ((query.page ?? 1) - 1) * limit : 0);
  const [total, rows] = await Promise.all([
    db.row.count({ where: { tableId } }),
    db.row.findMany({
      where: { tableId, ...(query.after !== undefined ? { position: { gt: BigInt(query.after) } } : {}) },
      orderBy: { position: "asc" },
      skip: query.after !== undefined ? 0 : offset,
      take: limit,
    }),
  ]);
  const last = rows.at(-1);
  return {
    data: rows.map(serializeRow),
    meta: {
      total,
      page: query.page ?? Math.floor(offset / limit) + 1,
      limit,
      totalPages: Math.ceil(total / limit),
      offset,
      nextCursor: rows.length === limit && last ? Number(last.position) : null,
    },
  };
}

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
    const created = await tx.$queryRaw<Row[]>`
      INSERT INTO rows (table_id, data)
      SELECT ${tableId}::uuid, u.d FROM unnest(${payload}::jsonb[]) WITH ORDINALITY AS u(d, i) ORDER BY u.i
      RETURNING id, table_id AS "tableId", position, data, cell_states AS "cellStates", status, confidence, error,
                last_run_at AS "lastRunAt", created_at AS "createdAt", updated_at AS "updatedAt"`;
    return created.sort((a, b) => Number(a.position - b.position)).map(serializeRow);
  });
}

export async function getRow(
  { tableId, rowId }: { tableId: string; rowId: string },
  db: Tx = getDb(),
): Promise<RowDto> {
  const row = await db.row.findFirst({ where: { id: rowId, tableId } });
  if (!row) throw notFound("row", rowId);
  return serializeRow(row);
}

/** Merges `data` into the row atomically (set keys, null removes a key). */
export async function updateRow(
  { tableId, rowId, input }: { tableId: string; rowId: string; input: UpdateRowInput },
  db = getDb(),
): Promise<RowDto> {
  return db.$transaction(async (tx) => {
    const keys = await columnKeysFor(tx, tableId);
    const problems = unknownKeys([input], keys).map((p) => ({ ...p, path: p.path.replace(/^rows\.0\./, "") }));
    if (problems.length > 0) throw invalid("Row data may only use the table's column keys", problems);
    const set = JSON.stringify(withoutNulls(input.data));
    const remove = Object.entries(input.data)
      .filter(([, v]) => v === null)
      .map(([k]) => k);
    const updated = await tx.$executeRaw`
      UPDATE rows SET data = (data - ${remove}::text[]) || ${set}::jsonb, updated_at = now()
      WHERE id = ${rowId}::uuid AND table_id = ${tableId}::uuid`;
    if (updated === 0) throw notFound("row", rowId);
    return getRow({ tableId, rowId }, tx);
  });
}

/** Deletes a row and its tasks; its unfinished tasks count as failed so their jobs still end. */
export async function deleteRow({ tableId, rowId }: { tableId: string; rowId: string }, db = getDb()): Promise<void> {
  const jobs = await db.$transaction(async (tx) => {
    const row = await tx.row.findFirst({ where: { id: rowId, tableId }, select: { id: true } });
    if (!row) throw notFound("row", rowId);
    const touched = await abandonTasks(tx, { rowId, reason: "row deleted" });
    await tx.row.delete({ where: { id: rowId } });
    return touched;
  });
  await finalizeJobs(jobs, db);
}
