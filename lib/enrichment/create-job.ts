import { getDb } from "../db";
import { AppError, invalid, notFound } from "../errors";
import { MAX_CELLS_PER_JOB, type Selection } from "./schemas";
import { withDbRetry } from "./sql-retry";
import { COUNTER_SHARDS } from "./task-sql";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type CreatedJob = { jobId: string; tableId: string; status: "pending"; totalTasks: number };

type TxClient = Parameters<Parameters<ReturnType<typeof getDb>["$transaction"]>[0]>[0];

/** Ids of `ids` that are not rows (or columns) of the table; malformed ids are unknown too. */
async function unknownIds(tx: TxClient, table: "rows" | "columns", tableId: string, ids: string[]) {
  const wellFormed = [...new Set(ids.filter((id) => UUID.test(id)).map((id) => id.toLowerCase()))];
  const found =
    table === "rows"
      ? await tx.$queryRaw<
          { id: string }[]
        >`SELECT id::text FROM rows WHERE table_id = ${tableId}::uuid AND id = ANY(${wellFormed}::uuid[])`
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
      {
        cells,
        limit: MAX_CELLS_PER_JOB,
      },
    );
  }
}

/**
 * Creates a pending job, one queued task per selected cell, and marks those cells (and so
 * their rows) queued, all in one transaction; nothing is written if the selection is
 * rejected. Tasks are numbered 1..n in row-then-column order (`ordinal`) so the
 * orchestrator can fan out contiguous ranges. Set-based: 100,000 cells are a few statements.
 */
export async function createEnrichmentJob(
  { tableId, selection }: { tableId: string; selection: Selection },
  db = getDb(),
): Promise<CreatedJob> {
  return withDbRetry(() =>
    db.$transaction(
      async (tx) => {
        // FOR SHARE: columns cannot be deleted while their tasks are being created.
        const table = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM tables WHERE id = ${tableId}::uuid FOR SHARE`;
        if (table.length === 0) throw notFound("table", tableId);

        const job = await tx.enrichmentJob.create({ data: { tableId, status: "pending" }, select: { id: true } });
        let inserted: number;
        if (selection.mode === "grid") {
          // Ids are compared case-insensitively everywhere, so count distinct lower-cased ids.
          const columnIds = [...new Set(selection.columnIds.map((id) => id.toLowerCase()))];
          const badColumns = await unknownIds(tx, "columns", tableId, columnIds);
          const rowIds =
            selection.rowIds === "all" ? "all" : [...new Set(selection.rowIds.map((id) => id.toLowerCase()))];
          const badRows = rowIds === "all" ? [] : await unknownIds(tx, "rows", tableId, rowIds);
          rejectUnknown(badColumns, badRows);
          const rowCount = rowIds === "all" ? await tx.row.count({ where: { tableId } }) : rowIds.length;
          rejectTooLarge(rowCount * columnIds.length);
          const all = rowIds === "all";
          const rows = all ? [] : rowIds;
          inserted = await tx.$executeRaw`
            INSERT INTO cell_enrichment_tasks (table_id, row_id, column_id, job_id, ordinal)
            SELECT ${tableId}::uuid, r.id, c.id, ${job.id}::uuid,
                   row_number() OVER (ORDER BY r.position, c."order", c.id)
              FROM rows r CROSS JOIN columns c
             WHERE r.table_id = ${tableId}::uuid AND c.table_id = ${tableId}::uuid
               AND c.id = ANY(${columnIds}::uuid[])
               AND (${all} OR r.id = ANY(${rows}::uuid[]))`;
        } else {
          const badColumns = await unknownIds(
            tx,
            "columns",
            tableId,
            selection.cells.map((c) => c.columnId),
          );
          const badRows = await unknownIds(
            tx,
            "rows",
            tableId,
            selection.cells.map((c) => c.rowId),
          );
          rejectUnknown(badColumns, badRows);
          const unique = new Map(
            selection.cells.map((c) => [`${c.rowId.toLowerCase()}:${c.columnId.toLowerCase()}`, c]),
          );
          rejectTooLarge(unique.size);
          const rowIds = [...unique.values()].map((c) => c.rowId.toLowerCase());
          const columnIds = [...unique.values()].map((c) => c.columnId.toLowerCase());
          inserted = await tx.$executeRaw`
            INSERT INTO cell_enrichment_tasks (table_id, row_id, column_id, job_id, ordinal)
            SELECT ${tableId}::uuid, r.id, c.id, ${job.id}::uuid,
                   row_number() OVER (ORDER BY r.position, c."order", c.id)
              FROM unnest(${rowIds}::uuid[], ${columnIds}::uuid[]) AS u(row_id, column_id)
              JOIN rows r ON r.id = u.row_id AND r.table_id = ${tableId}::uuid
              JOIN columns c ON c.id = u.column_id AND c.table_id = ${tableId}::uuid`;
        }
        if (inserted === 0) throw invalid("The selection is empty: the table has no rows");

        // Rows are updated in id order so two jobs over the same rows cannot deadlock.
        await tx.$executeRaw`
          UPDATE rows SET cell_states = glaze_merge_cell_states(rows.cell_states, p.states, false), updated_at = now()
            FROM (SELECT row_id,
                         jsonb_object_agg(column_id::text, jsonb_build_object('t', id, 's', 'queued')) AS states
                    FROM cell_enrichment_tasks WHERE job_id = ${job.id}::uuid
                   GROUP BY row_id ORDER BY row_id) AS p
           WHERE rows.id = p.row_id`;
        await tx.enrichmentJob.update({ where: { id: job.id }, data: { totalTasks: inserted } });
        await tx.$executeRaw`
          INSERT INTO enrichment_job_counters (job_id, shard)
          SELECT ${job.id}::uuid, s FROM generate_series(0, ${COUNTER_SHARDS - 1}) AS s`;
        return { jobId: job.id, tableId, status: "pending" as const, totalTasks: inserted };
      },
      { timeout: 60_000, maxWait: 10_000 },
    ),
  );
}
