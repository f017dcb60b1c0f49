import "server-only";
import type { Tx } from "../../db";
import { ROWS_BY_ID } from "../../rows/by-id";
import { SqlParams } from "../../sql";
import { BUDGET_REACHED, CANCELLED_ERROR } from "../task-errors";
import { mergeStates, pendingStatesOf } from "./cell-states";
import { createShards } from "./counters";
import { run, type Statement } from "./run";

// Writing a new job's tasks, inside the job-creation transaction. Tasks are numbered 1..n in
// row-then-column order (`ordinal`), so the orchestrator can fan out contiguous ranges.
// Set-based: 100,000 cells are a few statements.

/**
 * SQL: inserts job `job`'s tasks of table $1 from `cells`, a query of (row_id, column_id,
 * ordinal). A task's id is one UUIDv7 drawn for the statement with its last 48 bits replaced by
 * the task's ordinal (at most MAX_CELLS_PER_JOB): still a UUIDv7 in the job's order, so its
 * tasks fill the primary key's last pages. The ids of one job differ by their ordinals; two
 * jobs' keep the drawn prefix apart: its millisecond, its 12-bit sub-millisecond fraction
 * (which Postgres keeps increasing within a session) and 14 random bits. Drawing a UUIDv7 per
 * task (the column's default) cost ~2.2 µs each, 2.2 s of a job of 1,000,000 cells.
 */
const insertTasks = (job: string, cells: string) => `
    INSERT INTO cell_enrichment_tasks (id, table_id, row_id, column_id, job_id, ordinal)
    SELECT ((SELECT left(uuidv7()::text, 24)) || lpad(to_hex(cell.ordinal), 12, '0'))::uuid,
           $1::uuid, cell.row_id, cell.column_id, ${job}::uuid, cell.ordinal
      FROM (${cells}) AS cell`;

const gridTasks = (rows: string, job: string, columns: string) =>
  insertTasks(
    job,
    `SELECT r.id AS row_id, c.id AS column_id, row_number() OVER (ORDER BY r.position, c."order", c.id) AS ordinal
       FROM ${rows} CROSS JOIN columns c
      WHERE r.table_id = $1::uuid AND c.table_id = $1::uuid AND c.id = ANY(${columns}::uuid[])`,
  );

/** Every row of table $1: job $2, columns $3. */
const INSERT_GRID_ALL = gridTasks("rows r", "$2", "$3");
/** The rows of table $1 among ids $2 (looked up by id, lib/rows/by-id.ts): job $3, columns $4. */
export const INSERT_GRID_ROWS = gridTasks(ROWS_BY_ID, "$3", "$4");

/** One task per (row, column) of the selection; `rowIds: null` = every row of the table. */
export async function insertGridTasks(
  {
    tableId,
    jobId,
    columnIds,
    rowIds,
  }: { tableId: string; jobId: string; columnIds: string[]; rowIds: string[] | null },
  tx: Tx,
): Promise<number> {
  return rowIds === null
    ? tx.$executeRawUnsafe(INSERT_GRID_ALL, tableId, jobId, columnIds)
    : tx.$executeRawUnsafe(INSERT_GRID_ROWS, tableId, rowIds, jobId, columnIds);
}

/**
 * One task per (row matching the filter, column), in one statement: the matching rows are
 * collected once, counted, and their tasks inserted only if rows × columns ≤ `maxCells`. One
 * statement is one snapshot (READ COMMITTED takes it when the statement starts, after the job
 * holds the table's share lock): the rows are those committed by then and matching then; rows
 * added or changed later are not in the job. `rowFilter` compiles the filter for row alias
 * `r` with its values added to the statement's parameters. Returns the matching rows' count.
 */
export async function insertFilteredGridTasks(
  {
    tableId,
    jobId,
    columnIds,
    rowFilter,
    maxCells,
  }: {
    tableId: string;
    jobId: string;
    columnIds: string[];
    rowFilter: (params: SqlParams, row: string) => string;
    maxCells: number;
  },
  tx: Tx,
): Promise<number> {
  const params = new SqlParams([tableId, jobId, columnIds, maxCells]);
  const where = rowFilter(params, "r");
  const [{ rows }] = await tx.$queryRawUnsafe<{ rows: number }[]>(
    `WITH sel AS MATERIALIZED (
       SELECT r.id, r.position FROM rows r WHERE r.table_id = $1::uuid AND ${where}
     ), n AS (SELECT count(*)::int AS rows FROM sel), ins AS (
${insertTasks(
  "$2",
  `SELECT s.id AS row_id, c.id AS column_id, row_number() OVER (ORDER BY s.position, c."order", c.id) AS ordinal
          FROM sel s CROSS JOIN columns c
         WHERE c.table_id = $1::uuid AND c.id = ANY($3::uuid[])
           AND (SELECT rows FROM n)::bigint * cardinality($3::uuid[]) <= $4::bigint`,
)}
     )
     SELECT rows FROM n`,
    ...params.values,
  );
  return rows;
}

/**
 * Cells (rows $2[i], columns $4[i]) of table $1 for job $3. Each cell's row is looked up by id,
 * then checked against the table (as in lib/rows/by-id.ts, one look-up per cell).
 */
export const INSERT_CELLS = insertTasks(
  "$3",
  `SELECT r.id AS row_id, c.id AS column_id, row_number() OVER (ORDER BY r.position, c."order", c.id) AS ordinal
     FROM unnest($2::uuid[], $4::uuid[]) AS u(row_id, column_id)
     CROSS JOIN LATERAL (SELECT id, table_id, position FROM rows WHERE id = u.row_id OFFSET 0) r
     JOIN columns c ON c.id = u.column_id AND c.table_id = $1::uuid
    WHERE r.table_id = $1::uuid`,
);

/** One task per listed cell (pairs of rowIds[i], columnIds[i], already distinct). */
export async function insertCellTasks(
  { tableId, jobId, rowIds, columnIds }: { tableId: string; jobId: string; rowIds: string[]; columnIds: string[] },
  tx: Tx,
): Promise<number> {
  return tx.$executeRawUnsafe(INSERT_CELLS, tableId, rowIds, jobId, columnIds);
}

/**
 * The failed tasks of job `job` that are still their cell's latest task (rows.cell_states names
 * it): a cell run again since, by another job or an earlier retry of this one, is not retried
 * again, so retrying a job twice never runs (and bills) its cells twice. Cells a cancel ended
 * did not fail (they did not run): they are enriched again by choice, not retried. Cells a
 * budget stopped are retried with them: they did not run for want of credits only. Such a
 * cell went back to its previous run (finish.ts), so its state names that run: it is retried
 * while no later task of the cell exists and it still has a state (a value typed by hand
 * since dropped it).
 */
const RETRYABLE_TASKS = (job: string) => `
  FROM cell_enrichment_tasks t JOIN rows r ON r.id = t.row_id
 WHERE t.job_id = ${job}
   AND ((t.status = 'failed' AND t.error IS DISTINCT FROM '${CANCELLED_ERROR}'
         AND r.cell_states -> t.column_id::text ->> 't' = t.id::text)
     OR (t.status = 'skipped' AND t.error = '${BUDGET_REACHED}' AND jsonb_exists(r.cell_states, t.column_id::text)
         AND NOT EXISTS (SELECT 1 FROM cell_enrichment_tasks n
                          WHERE n.row_id = t.row_id AND n.column_id = t.column_id
                            AND n.created_at >= t.created_at AND n.id <> t.id)))`;

/** The failed cells of job $2 again, for job $3 (a retry), in their order there. */
const INSERT_RETRY = insertTasks(
  "$3",
  `SELECT t.row_id, t.column_id, row_number() OVER (ORDER BY t.ordinal) AS ordinal ${RETRYABLE_TASKS("$2::uuid")}`,
);

/** How many cells retrying job `retriedJobId` would run again. */
export async function countRetryableTasks(retriedJobId: string, tx: Tx): Promise<number> {
  const [{ n }] = await tx.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n ${RETRYABLE_TASKS("$1::uuid")}`,
    retriedJobId,
  );
  return n;
}

/** The cells retrying job `retriedJobId` would run again (what its estimate prices). */
export async function retryableCells(retriedJobId: string, tx: Tx): Promise<{ rowId: string; columnId: string }[]> {
  return tx.$queryRawUnsafe<{ rowId: string; columnId: string }[]>(
    `SELECT t.row_id::text AS "rowId", t.column_id::text AS "columnId" ${RETRYABLE_TASKS("$1::uuid")} ORDER BY t.ordinal`,
    retriedJobId,
  );
}

/** One task per failed cell of job `retriedJobId` that no later task of the cell has replaced. */
export async function insertRetryTasks(
  { tableId, jobId, retriedJobId }: { tableId: string; jobId: string; retriedJobId: string },
  tx: Tx,
): Promise<number> {
  return tx.$executeRawUnsafe(INSERT_RETRY, tableId, retriedJobId, jobId);
}

// Rows are updated in id order so two jobs over the same rows cannot deadlock.
const QUEUE_CELLS: Statement = {
  name: "glaze-queue-job-cells",
  plan: "generic",
  text: `
    WITH per_row AS (
      SELECT row_id, ${pendingStatesOf("t", "queued")} AS states
        FROM cell_enrichment_tasks t WHERE job_id = $1::uuid
       GROUP BY row_id ORDER BY row_id
    ), r AS (
      UPDATE rows SET cell_states = ${mergeStates("per_row", false)}, updated_at = now()
        FROM per_row WHERE rows.id = per_row.row_id
    ), shards AS (${createShards("$1::uuid")})
    UPDATE enrichment_jobs SET total_tasks = $2, column_ids = $3::uuid[] WHERE id = $1::uuid`,
};

/**
 * Marks the job's cells queued (the newest task of each cell), sets up its counters, and
 * records its size and the columns its cells are in.
 */
export async function queueJobCells(
  { jobId, totalTasks, columnIds }: { jobId: string; totalTasks: number; columnIds: string[] },
  tx: Tx,
) {
  await run(QUEUE_CELLS, [jobId, totalTasks, columnIds], tx);
}
