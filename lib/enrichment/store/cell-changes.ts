import "server-only";
import type { Tx } from "../../db";
import { latestTaskIdOf } from "./cell-states";
import { run, type Statement } from "./run";
import type { TaskStatus } from "./types";

// The change feed of a table's cells. Every task change stores the id of its transaction
// (change_xid, set by a trigger); a reader's cursor is the Postgres snapshot its answer was
// read in, and the next read returns the changes whose transaction that snapshot did not
// see. So a transaction that commits late is never skipped, and one already seen is not
// sent again. Its cost is what changed (index on table_id, change_xid), which is why it is
// planned for its parameters on every call: a generic plan cannot use that index's range.

/** A cell's latest task, as the change feed reports it. */
export type CellState = {
  rowId: string;
  columnId: string;
  taskId: string;
  jobId: string;
  status: TaskStatus;
  value: unknown;
  confidence: number | null;
  error: string | null;
  attempts: number;
  /** The provider a done cell's value came from ("demo", "hunter.email-finder", "llm", …). */
  provider: string | null;
};

/** A changed cell with the state of its row. */
export type CellChange = CellState & { rowStatus: string; rowConfidence: number | null; rowError: string | null };

// The cursor comes from the same statement (and so the same snapshot) as the changes, even
// when there are none: the LEFT JOIN keeps one row carrying it.
export const CELL_CHANGES: Statement = {
  name: "glaze-cell-changes",
  plan: "custom",
  text: `
    WITH snap AS (SELECT pg_current_snapshot()::text AS cursor),
    changed AS (
      SELECT DISTINCT row_id, column_id FROM cell_enrichment_tasks
       WHERE table_id = $1::uuid AND change_xid >= $2::bigint
         AND ($3::text IS NULL OR NOT pg_visible_in_snapshot((change_xid::text)::xid8, $3::text::pg_snapshot))
         AND ($5::uuid[] IS NULL OR row_id = ANY($5::uuid[]))
       LIMIT $4
    )
    SELECT snap.cursor, x.* FROM snap LEFT JOIN (
      SELECT ct.row_id::text AS "rowId", ct.column_id::text AS "columnId", ct.id::text AS "taskId",
             ct.job_id::text AS "jobId", ct.status::text AS status, ct.result -> 'value' AS value, ct.confidence,
             ct.error, ct.attempts, ct.result ->> 'provider' AS provider, r.status::text AS "rowStatus", r.confidence AS "rowConfidence", r.error AS "rowError"
        FROM changed ch
        JOIN rows r ON r.id = ch.row_id
        JOIN cell_enrichment_tasks ct ON ct.id = ${latestTaskIdOf("r", "ch.column_id")}
    ) x ON true`,
};

/**
 * The latest task of up to `limit` cells of the table whose tasks changed since `since` (all
 * enriched cells without it), of the rows `rowIds` only when given, and the snapshot to
 * continue from.
 */
export async function readCellChanges(
  { tableId, since, limit, rowIds }: { tableId: string; since?: string; limit: number; rowIds?: string[] },
  tx?: Tx,
): Promise<{ cursor: string; changes: CellChange[] }> {
  const xmin = BigInt(since?.split(":")[0] ?? "0");
  const rows = await run<Partial<CellChange> & { cursor: string }>(
    CELL_CHANGES,
    [tableId, xmin.toString(), since ?? null, limit, rowIds ?? null],
    tx,
  );
  return {
    cursor: rows[0].cursor,
    changes: rows.filter((r): r is CellChange & { cursor: string } => r.taskId != null),
  };
}
