import "server-only";
import { getDb, type Tx } from "../db";
import { AppError, conflict, invalid, notFound } from "../errors";
import { hintCells } from "../realtime/cell-hints";
import { ROW_IDS_OF_TABLE, wellFormedIds } from "../rows/by-id";
import { compileFilter } from "../views/compile-filter";
import { resolveFilter } from "../views/resolve";
import { viewColumnsOf } from "../views/table-columns";
import { JOB_CREATION_TIMEOUT_MS, MAX_CELLS_PER_JOB } from "./policy";
import type { JobCostOptions, Selection } from "./schemas";
import {
  countRetryableTasks,
  insertCellTasks,
  insertFilteredGridTasks,
  insertGridTasks,
  insertRetryTasks,
  queueJobCells,
  withDbRetry,
} from "./store";

export type CreatedJob = { jobId: string; tableId: string; status: "pending"; totalTasks: number };

/** Who started a job: a person (session) or an API key. */
export type StartedBy = { userId: string | null; keyId: string | null };

/** What a job enriches: a selection from the API, or the failed cells of an earlier job. */
export type JobSource = Selection | { mode: "retry"; jobId: string };

/** Ids of `ids` that are not rows (or columns) of the table; malformed ids are unknown too. */
async function unknownIds(tx: Tx, table: "rows" | "columns", tableId: string, ids: string[]) {
  const wellFormed = wellFormedIds(ids);
  const found =
    table === "rows"
      ? await tx.$queryRawUnsafe<{ id: string }[]>(ROW_IDS_OF_TABLE, tableId, wellFormed)
      : await tx.$queryRaw<
          { id: string }[]
        >`SELECT id::text FROM columns WHERE table_id = ${tableId}::uuid AND id = ANY(${wellFormed}::uuid[])`;
  const known = new Set(found.map((r) => r.id));
  return [...new Set(ids.filter((id) => !known.has(id.toLowerCase())))];
}

function rejectUnknown(unknownColumnIds: string[], unknownRowIds: string[]) {
  if (unknownColumnIds.length === 0 && unknownRowIds.length === 0) return;
  const parts = [
    unknownColumnIds.length > 0 ? `${unknownColumnIds.length} column id(s)` : "",
    unknownRowIds.length > 0 ? `${unknownRowIds.length} row id(s)` : "",
  ].filter(Boolean);
  throw invalid(`The selection has ${parts.join(" and ")} that are not in this table`, {
    unknownColumnIds: unknownColumnIds.slice(0, 100),
    unknownRowIds: unknownRowIds.slice(0, 100),
  });
}

function rejectTooLarge(cells: number) {
  if (cells > MAX_CELLS_PER_JOB) {
    throw new AppError(
      "payload_too_large",
      `The selection has ${cells} cells; one job may enrich at most ${MAX_CELLS_PER_JOB}`,
      { cells, limit: MAX_CELLS_PER_JOB },
    );
  }
}

/** 409 of a retry (or its estimate) with no cell left to run again. */
export const nothingToRetry = () =>
  conflict("The job has no failed cells to retry (none failed, each was run again since, or their column was deleted)");

/** The tasks inserted, and the columns they are in. */
type Inserted = { inserted: number; columnIds: string[] };

async function insertTasks(tx: Tx, tableId: string, jobId: string, source: JobSource): Promise<Inserted> {
  if (source.mode === "retry") {
    // One retry of a job at a time: a second one waits here, then finds the cells queued again
    // by the first (no longer retryable) and is a 409, not a second job for the same cells.
    await tx.$queryRaw`SELECT id FROM enrichment_jobs WHERE id = ${source.jobId}::uuid FOR UPDATE`;
    const n = await countRetryableTasks(source.jobId, tx);
    if (n === 0) throw nothingToRetry();
    rejectTooLarge(n);
    const inserted = await insertRetryTasks({ tableId, jobId, retriedJobId: source.jobId }, tx);
    await tx.$executeRaw`UPDATE enrichment_jobs SET retried_at = now() WHERE id = ${source.jobId}::uuid`;
    const columns = await tx.$queryRaw<{ id: string }[]>`
      SELECT DISTINCT column_id::text AS id FROM cell_enrichment_tasks WHERE job_id = ${jobId}::uuid`;
    return { inserted, columnIds: columns.map((c) => c.id) };
  }
  if (source.mode === "filter") {
    const columnIds = [...new Set(source.columnIds.map((id) => id.toLowerCase()))];
    rejectUnknown(await unknownIds(tx, "columns", tableId, columnIds), []);
    // The columns cannot change now (the caller holds the table's share lock).
    const filter = resolveFilter(source.rowFilter, await viewColumnsOf(tx, tableId), "rowFilter");
    const options = { tableId };
    const rows = await insertFilteredGridTasks(
      {
        tableId,
        jobId,
        columnIds,
        rowFilter: (params, row) => compileFilter(filter, params, row, options),
        maxCells: MAX_CELLS_PER_JOB,
      },
      tx,
    );
    rejectTooLarge(rows * columnIds.length);
    return { inserted: rows * columnIds.length, columnIds };
  }
  if (source.mode === "grid") {
    // Ids are compared case-insensitively everywhere, so count distinct lower-cased ids.
    const columnIds = [...new Set(source.columnIds.map((id) => id.toLowerCase()))];
    const badColumns = await unknownIds(tx, "columns", tableId, columnIds);
    const rowIds = source.rowIds === "all" ? null : [...new Set(source.rowIds.map((id) => id.toLowerCase()))];
    const badRows = rowIds === null ? [] : await unknownIds(tx, "rows", tableId, rowIds);
    rejectUnknown(badColumns, badRows);
    const rowCount = rowIds === null ? await tx.row.count({ where: { tableId } }) : rowIds.length;
    rejectTooLarge(rowCount * columnIds.length);
    return { inserted: await insertGridTasks({ tableId, jobId, columnIds, rowIds }, tx), columnIds };
  }
  const badColumns = await unknownIds(
    tx,
    "columns",
    tableId,
    source.cells.map((c) => c.columnId),
  );
  const badRows = await unknownIds(
    tx,
    "rows",
    tableId,
    source.cells.map((c) => c.rowId),
  );
  rejectUnknown(badColumns, badRows);
  const unique = new Map(source.cells.map((c) => [`${c.rowId.toLowerCase()}:${c.columnId.toLowerCase()}`, c]));
  rejectTooLarge(unique.size);
  const cells = [...unique.values()];
  const columnIds = cells.map((c) => c.columnId.toLowerCase());
  const inserted = await insertCellTasks(
    { tableId, jobId, rowIds: cells.map((c) => c.rowId.toLowerCase()), columnIds },
    tx,
  );
  return { inserted, columnIds: [...new Set(columnIds)] };
}

/**
 * Creates a pending job, one queued task per selected cell, and marks those cells (and so
 * their rows) queued, all in one transaction; nothing is written if the selection is
 * rejected.
 */
export async function createEnrichmentJob(
  {
    tableId,
    source,
    startedBy,
    costs,
  }: { tableId: string; source: JobSource; startedBy?: StartedBy; costs?: JobCostOptions },
  db = getDb(),
): Promise<CreatedJob> {
  const created = await withDbRetry(() =>
    db.$transaction(
      async (tx) => {
        // FOR SHARE: columns cannot be deleted while their tasks are being created.
        const table = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM tables WHERE id = ${tableId}::uuid FOR SHARE`;
        if (table.length === 0) throw notFound("table", tableId);
        // The cells' hint is sent after the commit (below), as the engine sends its own; the
        // triggers then neither notify inside this transaction nor compare the transition tables
        // of up to 2,000,000 tasks and their rows (nothing here is a row edit to log).
        await tx.$executeRawUnsafe("SET LOCAL glaze.hints = 'app'");
        const job = await tx.enrichmentJob.create({
          data: {
            tableId,
            status: "pending",
            createdByUserId: startedBy?.userId ?? null,
            createdByKeyId: startedBy?.keyId ?? null,
            maxCredits: costs?.maxCredits ?? null,
            refresh: costs?.refresh ?? false,
          },
          select: { id: true },
        });
        const { inserted, columnIds } = await insertTasks(tx, tableId, job.id, source);
        if (inserted === 0) {
          throw invalid(
            source.mode === "filter"
              ? "The selection is empty: no row matches the rowFilter"
              : "The selection is empty: the table has no rows",
          );
        }
        await queueJobCells({ jobId: job.id, totalTasks: inserted, columnIds }, tx);
        return { jobId: job.id, tableId, status: "pending" as const, totalTasks: inserted };
      },
      { timeout: JOB_CREATION_TIMEOUT_MS, maxWait: 10_000 },
    ),
  );
  hintCells([tableId]);
  return created;
}
