import "server-only";
import { isDeepStrictEqual } from "node:util";
import { getDb, type Tx } from "../db";
import {
  abandonTasks,
  finalizeJobs,
  keysBeingRemoved,
  startKeyRemoval,
  stripRemovedKey,
  withDbRetry,
} from "../enrichment/store";
import { conflict, invalid, notFound } from "../errors";
import { type Column, Prisma } from "../generated/prisma/client";
import { checkRecipe, keysReadBy, type RecipeInput, type recipeSchema } from "../providers/recipe";
import { lockTable } from "../tables/tables";
import { pruneViews } from "../views/views";
import { type CreateColumnInput, MAX_COLUMNS_PER_TABLE, type UpdateColumnInput } from "./schemas";
import { type ColumnDto, serializeColumn } from "./serialize";

// Column edits run in one transaction holding the table's row lock, so concurrent
// inserts/reorders of one table never interleave and `order` stays 0..n-1.

function moveTo<T>(items: T[], from: number, to: number): T[] {
  const copy = items.slice();
  const [item] = copy.splice(from, 1);
  copy.splice(Math.min(to, copy.length), 0, item);
  return copy;
}

type ParsedRecipe = ReturnType<typeof recipeSchema.parse> | null | undefined;

/** The recipe to store (Prisma's DbNull to remove it), or a 422 naming what does not fit the table. */
function recipeToStore(recipe: ParsedRecipe, columnKey: string, tableKeys: string[]) {
  if (recipe === undefined) return undefined;
  if (recipe === null) return Prisma.DbNull;
  const checked = checkRecipe(recipe, { columnKey, tableKeys });
  if (!checked.recipe) {
    throw invalid(
      "The recipe does not fit this table",
      checked.issues.map((issue) => ({ path: `recipe.${issue.path}`, message: issue.message })),
    );
  }
  return checked.recipe as Prisma.InputJsonValue;
}

export type { RecipeInput };

async function renumber(tx: Tx, ordered: Column[]) {
  const ids = ordered.map((c) => c.id);
  const orders = ordered.map((_, i) => i);
  await tx.$executeRaw`
    UPDATE columns c SET "order" = v.ord, updated_at = now()
    FROM unnest(${ids}::uuid[], ${orders}::int[]) AS v(id, ord)
    WHERE c.id = v.id AND c."order" <> v.ord`;
}

/** The table's columns in their order (the same list as GET /api/tables/:tableId's `columns`). */
export async function listColumns({ tableId }: { tableId: string }, db: Tx = getDb()): Promise<ColumnDto[]> {
  const table = await db.table.findUnique({
    where: { id: tableId },
    select: { columns: { orderBy: [{ order: "asc" }, { createdAt: "asc" }] } },
  });
  if (!table) throw notFound("table", tableId);
  return table.columns.map(serializeColumn);
}

export async function createColumn(
  { tableId, input }: { tableId: string; input: CreateColumnInput },
  db = getDb(),
): Promise<ColumnDto> {
  return db.$transaction(async (tx) => {
    await lockTable(tx, tableId);
    const existing = await tx.column.findMany({
      where: { tableId },
      orderBy: [{ order: "asc" }, { createdAt: "asc" }],
    });
    if (existing.some((c) => c.key === input.key)) {
      throw conflict(`A column with key "${input.key}" already exists in this table`, { key: input.key });
    }
    if ((await keysBeingRemoved(tableId, tx)).includes(input.key)) {
      throw conflict(
        `The values of a deleted column "${input.key}" are still being removed from the rows; try again in a moment`,
        { key: input.key },
      );
    }
    if (existing.length >= MAX_COLUMNS_PER_TABLE) {
      throw invalid(`A table can have at most ${MAX_COLUMNS_PER_TABLE} columns`);
    }
    const position = Math.min(input.order ?? existing.length, existing.length);
    const recipe = recipeToStore(input.recipe, input.key, [...existing.map((c) => c.key), input.key]);
    const created = await tx.column.create({
      data: {
        tableId,
        key: input.key,
        label: input.label,
        dataType: input.dataType,
        order: position,
        ...(recipe !== undefined ? { recipe } : {}),
      },
    });
    await renumber(tx, moveTo([...existing, created], existing.length, position));
    await tx.table.update({ where: { id: tableId }, data: { updatedAt: new Date() } });
    return serializeColumn({ ...created, order: position });
  });
}

/**
 * A job's cells run with their column's recipe as each is claimed: changed while the job runs,
 * cells already answered by the old recipe's providers would be decided by the new one (paid
 * answers dropped, another provider's or the demo's value written). 409 while a job that
 * enriches the column is pending or running (the table is locked: none can start meanwhile).
 */
async function refuseWhileEnriching(tx: Tx, tableId: string, columnId: string) {
  const jobs = await tx.$queryRaw<{ id: string }[]>`
    SELECT id::text FROM enrichment_jobs
     WHERE table_id = ${tableId}::uuid AND status IN ('pending', 'running') AND ${columnId}::uuid = ANY(column_ids)
     ORDER BY created_at LIMIT 10`;
  if (jobs.length === 0) return;
  throw conflict(
    `The column is being enriched (${jobs.length === 1 ? "a job is" : `${jobs.length} jobs are`} running): cancel ${jobs.length === 1 ? "it" : "them"} or wait until ${jobs.length === 1 ? "it ends" : "they end"} before changing its recipe`,
    { jobIds: jobs.map((j) => j.id) },
  );
}

export async function updateColumn(
  { tableId, columnId, patch }: { tableId: string; columnId: string; patch: UpdateColumnInput },
  db = getDb(),
): Promise<ColumnDto> {
  return db.$transaction(async (tx) => {
    await lockTable(tx, tableId);
    const columns = await tx.column.findMany({ where: { tableId }, orderBy: [{ order: "asc" }, { createdAt: "asc" }] });
    const index = columns.findIndex((c) => c.id === columnId);
    if (index === -1) throw notFound("column", columnId);
    const recipe = recipeToStore(
      patch.recipe,
      columns[index].key,
      columns.map((c) => c.key),
    );
    const nextRecipe = patch.recipe === null ? null : recipe;
    if (nextRecipe !== undefined && !isDeepStrictEqual(nextRecipe, columns[index].recipe ?? null)) {
      await refuseWhileEnriching(tx, tableId, columnId);
    }
    if (patch.label !== undefined || patch.dataType !== undefined || recipe !== undefined) {
      await tx.column.update({
        where: { id: columnId },
        data: {
          ...(patch.label !== undefined ? { label: patch.label } : {}),
          ...(patch.dataType !== undefined ? { dataType: patch.dataType } : {}),
          ...(recipe !== undefined ? { recipe } : {}),
        },
      });
    }
    await renumber(tx, patch.order !== undefined ? moveTo(columns, index, patch.order) : columns);
    // A new type may no longer fit the views' conditions on the column.
    if (patch.dataType !== undefined) await pruneViews({ tableId }, tx);
    const updated = await tx.column.findUniqueOrThrow({ where: { id: columnId } });
    return serializeColumn(updated);
  });
}

/** Deletes the column, its tasks (cascade), and its key and cell state from every row. */
export async function deleteColumn({ tableId, columnId }: { tableId: string; columnId: string }, db = getDb()) {
  // Its tasks are locked before its rows, while a worker finishing cells locks rows before
  // tasks (and a claim tasks before rows): Postgres may abort one of two as a deadlock. The
  // whole delete then runs again.
  const { jobs, removal } = await withDbRetry(() => deleteColumnOnce({ tableId, columnId }, db));
  await finalizeJobs(jobs);
  // The column is gone; its values leave the rows a batch at a time, row writes going on
  // meanwhile (lib/enrichment/store/forget-column.ts). Answered when every row is done.
  await stripRemovedKey(removal);
}

async function deleteColumnOnce(
  { tableId, columnId }: { tableId: string; columnId: string },
  db: ReturnType<typeof getDb>,
) {
  return db.$transaction(
    async (tx) => {
      await lockTable(tx, tableId);
      const column = await tx.column.findFirst({ where: { id: columnId, tableId } });
      if (!column) throw notFound("column", columnId);
      // A recipe that reads the column would be left naming a column that is gone.
      const readers = (
        await tx.column.findMany({
          where: { tableId, id: { not: columnId } },
          orderBy: { order: "asc" },
          select: { key: true, recipe: true },
        })
      ).filter((other) => keysReadBy(other.recipe).has(column.key));
      if (readers.length > 0) {
        const names = readers.map((r) => `"${r.key}"`).join(", ");
        const whose =
          readers.length === 1 ? `The recipe of column ${names} reads` : `The recipes of columns ${names} read`;
        throw conflict(
          `${whose} "${column.key}": change ${readers.length === 1 ? "it" : "them"} first, then delete the column`,
          {
            readBy: readers.map((r) => r.key),
          },
        );
      }
      // Unfinished tasks of the column count as failed, so their jobs still end.
      const touched = await abandonTasks({ tableId, columnId }, "column deleted", tx);
      await tx.column.delete({ where: { id: columnId } });
      const removal = { tableId, columnId, key: column.key };
      await startKeyRemoval(removal, tx);
      await pruneViews({ tableId }, tx);
      const rest = await tx.column.findMany({ where: { tableId }, orderBy: [{ order: "asc" }, { createdAt: "asc" }] });
      await renumber(tx, rest);
      return { jobs: touched, removal };
    },
    // A column with many unfinished tasks touches each of them.
    { timeout: 300_000, maxWait: 10_000 },
  );
}
