import "server-only";
import { getDb, type Tx } from "../db";
import { notFound } from "../errors";
import type { CreateTableInput, UpdateTableInput } from "./schemas";
import { serializeTable, type TableDto } from "./serialize";

/** Locks the table row for the rest of the transaction (or 404s), serialising column edits. */
export async function lockTable(tx: Tx, tableId: string) {
  const found = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM tables WHERE id = ${tableId}::uuid FOR UPDATE`;
  if (found.length === 0) throw notFound("table", tableId);
}

/** Keeps the table's columns from changing for the rest of the transaction (or 404s); row writers share it. */
export async function shareLockTable(tx: Tx, tableId: string) {
  const found = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM tables WHERE id = ${tableId}::uuid FOR SHARE`;
  if (found.length === 0) throw notFound("table", tableId);
}

/** The workspace's tables, oldest first; none when there is no workspace to list. */
export async function listTables(
  { workspaceId, page, limit }: { workspaceId: string | null; page: number; limit: number },
  db: Tx = getDb(),
): Promise<{ data: TableDto[]; meta: { total: number; page: number; limit: number; totalPages: number } }> {
  const where = { workspaceId: workspaceId ?? "" };
  const [total, tables] = await Promise.all([
    db.table.count({ where }),
    db.table.findMany({
      where,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      skip: (page - 1) * limit,
      take: limit,
      include: { _count: { select: { rows: true } } },
    }),
  ]);
  return {
    data: tables.map((t) => serializeTable(t, { rowCount: t._count.rows })),
    meta: { total, page, limit, totalPages: Math.ceil(total / limit) },
  };
}

export async function getTable({ tableId }: { tableId: string }, db: Tx = getDb()): Promise<TableDto> {
  const table = await db.table.findUnique({
    where: { id: tableId },
    include: { columns: { orderBy: [{ order: "asc" }, { createdAt: "asc" }] }, _count: { select: { rows: true } } },
  });
  if (!table) throw notFound("table", tableId);
  return serializeTable(table, { rowCount: table._count.rows, columns: table.columns });
}

export async function createTable(
  { workspaceId, input }: { workspaceId: string; input: CreateTableInput },
  db = getDb(),
): Promise<TableDto> {
  const table = await db.table.create({
    data: {
      workspaceId,
      name: input.name,
      description: input.description ?? null,
      columns: {
        create: input.columns.map((c, order) => ({ key: c.key, label: c.label, dataType: c.dataType, order })),
      },
    },
    include: { columns: { orderBy: { order: "asc" } } },
  });
  return serializeTable(table, { rowCount: 0, columns: table.columns });
}

export async function updateTable(
  { tableId, patch }: { tableId: string; patch: UpdateTableInput },
  db = getDb(),
): Promise<TableDto> {
  const updated = await db.table.updateMany({
    where: { id: tableId },
    data: {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
    },
  });
  if (updated.count === 0) throw notFound("table", tableId);
  return getTable({ tableId }, db);
}

/** Deletes the table; columns, rows, jobs and tasks go with it (ON DELETE CASCADE). */
export async function deleteTable({ tableId }: { tableId: string }, db = getDb()): Promise<void> {
  const deleted = await db.table.deleteMany({ where: { id: tableId } });
  if (deleted.count === 0) throw notFound("table", tableId);
}
