import "server-only";
import { getDb, type Tx } from "../db";
import { conflict, invalid, notFound } from "../errors";
import { Prisma } from "../generated/prisma/client";
import { shareLockTable } from "../tables/tables";
import type { FilterNode, SortKey } from "./filter-schema";
import { pruneView } from "./prune-view";
import { resolveFilter, resolveSort, type ViewColumn } from "./resolve";
import { serializeView, type ViewDto } from "./serialize-view";
import { viewColumnsOf } from "./table-columns";
import { type CreateViewInput, MAX_VIEWS_PER_TABLE, type UpdateViewInput } from "./view-schemas";

// Saved views of a table. Writes hold the table's share lock, so the columns a view is
// checked against cannot change before it is stored; column edits take the table's lock and
// prune the views (pruneViews) in their own transaction. Each person's last used view of a
// table is lib/views/last-view.ts.

type Parts = Partial<Pick<CreateViewInput, "filter" | "sort" | "hiddenColumns" | "columnWidths">>;

/** Checks every column key of the view's parts against the table; one 422 names them all. */
function checkParts(parts: Parts, columns: ViewColumn[]) {
  const details: { path: string; message: string }[] = [];
  const collect = (fn: () => void) => {
    try {
      fn();
    } catch (error) {
      const more = (error as { details?: unknown }).details;
      if (!Array.isArray(more)) throw error;
      details.push(...more);
    }
  };
  if (parts.filter) collect(() => resolveFilter(parts.filter as FilterNode, columns, "filter"));
  if (parts.sort) collect(() => resolveSort(parts.sort as SortKey[], columns));
  const keys = new Set(columns.map((c) => c.key));
  parts.hiddenColumns?.forEach((key, i) => {
    if (!keys.has(key)) details.push({ path: `hiddenColumns.${i}`, message: `unknown column "${key}"` });
  });
  for (const key of Object.keys(parts.columnWidths ?? {})) {
    if (!keys.has(key)) details.push({ path: `columnWidths.${key}`, message: `unknown column "${key}"` });
  }
  if (details.length > 0) throw invalid("The view does not fit this table's columns", details);
}

async function rejectDuplicateName(tx: Tx, tableId: string, name: string, exceptId?: string) {
  const same = await tx.tableView.findFirst({
    where: { tableId, name, ...(exceptId ? { NOT: { id: exceptId } } : {}) },
  });
  if (same) throw conflict(`A view named "${name}" already exists in this table`, { name });
}

const json = (value: unknown) => value as Prisma.InputJsonValue;

export async function listViews({ tableId }: { tableId: string }, db: Tx = getDb()) {
  const table = await db.table.findUnique({ where: { id: tableId }, select: { id: true } });
  if (!table) throw notFound("table", tableId);
  const views = await db.tableView.findMany({ where: { tableId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return { data: views.map(serializeView), meta: { total: views.length } };
}

export async function getView({ tableId, viewId }: { tableId: string; viewId: string }, db: Tx = getDb()) {
  const view = await db.tableView.findFirst({ where: { id: viewId, tableId } });
  if (!view) throw notFound("view", viewId);
  return serializeView(view);
}

export async function createView(
  { tableId, input }: { tableId: string; input: CreateViewInput },
  db = getDb(),
): Promise<ViewDto> {
  return db.$transaction(async (tx) => {
    await shareLockTable(tx, tableId);
    checkParts(input, await viewColumnsOf(tx, tableId));
    await rejectDuplicateName(tx, tableId, input.name);
    if ((await tx.tableView.count({ where: { tableId } })) >= MAX_VIEWS_PER_TABLE) {
      throw invalid(`A table can have at most ${MAX_VIEWS_PER_TABLE} views`);
    }
    const view = await tx.tableView.create({
      data: {
        tableId,
        name: input.name,
        filter: input.filter === null ? undefined : json(input.filter),
        sort: json(input.sort),
        hiddenColumns: input.hiddenColumns,
        columnWidths: json(input.columnWidths),
      },
    });
    return serializeView(view);
  });
}

export async function updateView(
  { tableId, viewId, patch }: { tableId: string; viewId: string; patch: UpdateViewInput },
  db = getDb(),
): Promise<ViewDto> {
  return db.$transaction(async (tx) => {
    await shareLockTable(tx, tableId);
    const view = await tx.tableView.findFirst({ where: { id: viewId, tableId }, select: { id: true } });
    if (!view) throw notFound("view", viewId);
    checkParts(patch, await viewColumnsOf(tx, tableId));
    if (patch.name !== undefined) await rejectDuplicateName(tx, tableId, patch.name, viewId);
    const updated = await tx.tableView.update({
      where: { id: viewId },
      data: {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.filter !== undefined ? { filter: patch.filter === null ? Prisma.DbNull : json(patch.filter) } : {}),
        ...(patch.sort !== undefined ? { sort: json(patch.sort) } : {}),
        ...(patch.hiddenColumns !== undefined ? { hiddenColumns: patch.hiddenColumns } : {}),
        ...(patch.columnWidths !== undefined ? { columnWidths: json(patch.columnWidths) } : {}),
      },
    });
    return serializeView(updated);
  });
}

export async function deleteView({ tableId, viewId }: { tableId: string; viewId: string }, db = getDb()) {
  const deleted = await db.tableView.deleteMany({ where: { id: viewId, tableId } });
  if (deleted.count === 0) throw notFound("view", viewId);
}

/**
 * After a column was deleted or changed type, in the same transaction: every view of the
 * table loses the parts that no longer fit its columns (lib/views/prune-view.ts).
 */
export async function pruneViews({ tableId }: { tableId: string }, tx: Tx) {
  const columns = await viewColumnsOf(tx, tableId);
  for (const view of await tx.tableView.findMany({ where: { tableId } })) {
    const { filter, sort, hiddenColumns, columnWidths } = serializeView(view);
    const before = { filter, sort, hiddenColumns, columnWidths };
    const after = pruneView(before, columns);
    if (JSON.stringify(after) === JSON.stringify(before)) continue;
    await tx.tableView.update({
      where: { id: view.id },
      data: {
        filter: after.filter === null ? Prisma.DbNull : json(after.filter),
        sort: json(after.sort),
        hiddenColumns: after.hiddenColumns,
        columnWidths: json(after.columnWidths),
      },
    });
  }
}
