import { getDb, type Tx } from "../db";
import { notFound } from "../errors";

export type CellState = {
  rowId: string;
  columnId: string;
  taskId: string;
  jobId: string;
  status: "queued" | "running" | "done" | "failed";
  value: unknown;
  confidence: number | null;
  error: string | null;
  attempts: number;
};

export type RowState = { rowId: string; status: string; confidence: number | null; error: string | null };

/** hasMore: more cells changed than `limit`; refetch the visible rows, then continue from `cursor`. */
export type CellStatusPage = { cursor: string; cells: CellState[]; rows: RowState[]; hasMore: boolean };

/**
 * The latest task of every cell whose tasks changed since `since`, with the rows they
 * belong to. The cursor is this query's Postgres snapshot ("xmin:xmax:in-progress ids").
 * Every task change stores the id of its transaction (a trigger); the next call returns
 * the changes whose transaction was not visible in that snapshot, so a transaction that
 * commits late is never skipped, and one that was already seen is not sent again. A poll
 * costs what changed, not the size of the table (index on table_id, change_xid).
 */
export async function cellStatusSince(
  { tableId, since, limit }: { tableId: string; since?: string; limit: number },
  db: Tx = getDb(),
): Promise<CellStatusPage> {
  const table = await db.table.findUnique({ where: { id: tableId }, select: { id: true } });
  if (!table) throw notFound("table", tableId);
  const xmin = BigInt(since?.split(":")[0] ?? "0");
  const previous = since ?? null;
  // The cursor comes from the same statement (and so the same snapshot) as the changes,
  // even when there are none: the LEFT JOIN keeps one row carrying it.
  const result = await db.$queryRaw<
    (Partial<CellState> & {
      cursor: string;
      rowStatus: string;
      rowConfidence: number | null;
      rowError: string | null;
    })[]
  >`
    WITH snap AS (SELECT pg_current_snapshot()::text AS cursor),
    changed AS (
      SELECT DISTINCT row_id, column_id FROM cell_enrichment_tasks
       WHERE table_id = ${tableId}::uuid AND change_xid >= ${xmin}
         AND (${previous}::text IS NULL
              OR NOT pg_visible_in_snapshot((change_xid::text)::xid8, ${previous}::text::pg_snapshot))
       LIMIT ${limit + 1}
    )
    SELECT snap.cursor, x.* FROM snap LEFT JOIN (
      SELECT ct.row_id AS "rowId", ct.column_id AS "columnId", ct.id AS "taskId", ct.job_id AS "jobId",
             ct.status::text AS status, ct.result -> 'value' AS value, ct.confidence, ct.error, ct.attempts,
             r.status::text AS "rowStatus", r.confidence AS "rowConfidence", r.error AS "rowError"
        FROM changed ch
        JOIN rows r ON r.id = ch.row_id
        JOIN cell_enrichment_tasks ct ON ct.id = (r.cell_states -> ch.column_id::text ->> 't')::uuid
    ) x ON true`;
  const snapshot = result[0].cursor;
  const rows = result.filter((r): r is CellState & (typeof result)[number] => r.taskId != null);
  const hasMore = rows.length > limit;
  const page = hasMore ? rows.slice(0, limit) : rows;
  const rowStates = new Map<string, RowState>();
  for (const r of page) {
    rowStates.set(r.rowId, { rowId: r.rowId, status: r.rowStatus, confidence: r.rowConfidence, error: r.rowError });
  }
  return {
    // More changes than `limit`: the client should refetch the rows it shows (their
    // `cells` carry every cell's state) and continue from this cursor.
    cursor: snapshot,
    hasMore,
    cells: page.map((r) => ({
      rowId: r.rowId,
      columnId: r.columnId,
      taskId: r.taskId,
      jobId: r.jobId,
      status: r.status,
      value: r.value,
      confidence: r.confidence,
      error: r.error,
      attempts: r.attempts,
    })),
    rows: [...rowStates.values()],
  };
}
