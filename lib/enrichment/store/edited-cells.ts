import "server-only";
import type { Tx } from "../../db";
import { EDITED_ERROR } from "../task-errors";
import { finalStateOf, wasRun } from "./cell-states";
import { countInto, shardOfTasks } from "./counters";
import { run, type Statement } from "./run";
import { statusIn } from "./status-filter";

export { EDITED_ERROR };

// A value written by hand (PATCH of one row or many, a paste in the grid) wins over the cell's
// enrichment: writing a different value into a cell that has an enrichment state ends the
// cell's task if it is still queued or running (skipped, counted into its job, so a queued
// cell is never called and a running one's answer is not merged: recordResults only finishes
// running tasks), and drops the cell's state, so the grid and filters no longer present a value
// typed by hand as a provider's, with its confidence. The task and its calls stay in the
// cell's history. A write of the value the cell already holds changes nothing. Run it in the
// writer's transaction, with the rows locked, before the values are merged (it compares
// against the values as they were); then finalizeJobs the jobs it returns, after the commit.
const END_EDITED_CELLS: Statement = {
  name: "glaze-end-edited-cells",
  plan: "custom",
  text: `
    WITH u AS (
      SELECT * FROM unnest($2::uuid[], $3::jsonb[], $4::jsonb[]) AS u(id, set, remove)
    ), edited AS (
      SELECT r.id AS row_id, s.key AS column_id, (s.value ->> 't')::uuid AS task_id
        FROM u JOIN rows r ON r.id = u.id AND r.table_id = $1::uuid
        CROSS JOIN LATERAL jsonb_each(r.cell_states) s
        JOIN columns c ON c.table_id = $1::uuid AND c.id::text = s.key
       WHERE (jsonb_exists(u.set, c.key) AND (r.data -> c.key) IS DISTINCT FROM (u.set -> c.key))
          OR (jsonb_exists(u.remove, c.key) AND jsonb_exists(r.data, c.key))
    ), picked AS (
      -- A task another statement holds is being recorded (or claimed) this instant, and that
      -- statement waits for these rows: skipping it avoids a deadlock. Its value is not merged
      -- (the cell's state no longer names it), only its state comes back.
      SELECT ct.id FROM cell_enrichment_tasks ct JOIN edited ON ct.id = edited.task_id
       WHERE ${statusIn("ct", ["queued", "running"])}
         FOR UPDATE OF ct SKIP LOCKED
    ), t AS (
      UPDATE cell_enrichment_tasks ct SET status = 'skipped', error = $5, completed_at = now()
        FROM picked WHERE ct.id = picked.id AND ${statusIn("ct", ["queued", "running"])}
      RETURNING ct.id, ct.job_id
    ), per_job AS (
      SELECT job_id, ${shardOfTasks("id")} AS shard, 0 AS done, 0 AS failed, count(*)::int AS skipped
        FROM t GROUP BY job_id
    ), counted AS (${countInto("per_job")}
    ), per_row AS (
      SELECT row_id, array_agg(column_id) AS columns FROM edited GROUP BY row_id
    ), r AS (
      UPDATE rows SET cell_states = rows.cell_states - per_row.columns, updated_at = now()
        FROM per_row WHERE rows.id = per_row.row_id
    )
    SELECT DISTINCT job_id::text AS "jobId" FROM t`,
};

/**
 * Ends the enrichment of the cells a hand-written value changes (see above). `edits` are the
 * rows' writes as the API takes them: keys to set (JSON) and keys to remove. Returns the ids
 * of the jobs some of whose tasks it ended.
 */
export async function endEditedCells(
  { tableId, edits }: { tableId: string; edits: { rowId: string; set: string; remove: string }[] },
  tx: Tx,
): Promise<string[]> {
  const rows = await run<{ jobId: string }>(
    END_EDITED_CELLS,
    [tableId, edits.map((e) => e.rowId), edits.map((e) => e.set), edits.map((e) => e.remove), EDITED_ERROR],
    tx,
  );
  return rows.map((r) => r.jobId);
}

// The other way round: a value written into a cell that has no state (its state went with an
// earlier hand edit: a clear, a value typed over it) that is exactly what the cell's latest
// run left in it brings that run's state back (runs a cancel, a hand edit or a budget ended
// before they ran do not count): a done run's value, its confidence, its provider; or, for a
// run that failed or was skipped, the value the run before it had found (none: the cell
// cleared). An undo of a clear, or of a value typed over a found or failed cell, gives the
// cell back as it was, not as a value typed by hand.
const RESTORE_ENRICHED: Statement = {
  name: "glaze-restore-enriched-cells",
  plan: "custom",
  text: `
    WITH u AS (
      SELECT * FROM unnest($2::uuid[], $3::jsonb[], $4::jsonb[]) AS u(id, set, remove)
    ), cand AS (
      SELECT r.id AS row_id, c.id AS column_id, COALESCE(u.set -> c.key, 'null'::jsonb) AS value
        FROM u JOIN rows r ON r.id = u.id AND r.table_id = $1::uuid
        JOIN columns c ON c.table_id = $1::uuid AND (jsonb_exists(u.set, c.key) OR u.remove ? c.key)
       WHERE NOT jsonb_exists(r.cell_states, c.id::text)
    ), back AS (
      SELECT cand.row_id, l.* FROM cand
        CROSS JOIN LATERAL (
          SELECT t.id, t.column_id, t.status, t.confidence, t.error, t.result, t.created_at
            FROM cell_enrichment_tasks t WHERE t.row_id = cand.row_id AND t.column_id = cand.column_id AND ${wasRun("t")}
           ORDER BY t.created_at DESC LIMIT 1
        ) l
       WHERE CASE WHEN l.status = 'done' THEN l.result -> 'value' = cand.value
                  WHEN l.status IN ('failed', 'skipped') THEN cand.value = COALESCE((
                    SELECT p.result -> 'value' FROM cell_enrichment_tasks p
                     WHERE p.row_id = cand.row_id AND p.column_id = cand.column_id AND p.status = 'done'
                       AND p.created_at < l.created_at AND ${wasRun("p")}
                     ORDER BY p.created_at DESC LIMIT 1), 'null'::jsonb)
                  ELSE false END
    ), per_row AS (
      SELECT row_id, jsonb_object_agg(column_id::text, ${finalStateOf("back", "back.result ->> 'provider'")}) AS states
        FROM back GROUP BY row_id ORDER BY row_id
    )
    UPDATE rows SET cell_states = rows.cell_states || per_row.states
      FROM per_row WHERE rows.id = per_row.row_id`,
};

/**
 * Brings back the state of the cells whose written value (or clearing) is what their latest
 * run left in them (see above). `set` is the values written, `remove` the keys cleared, both
 * as JSON. Run it in the writer's transaction after endEditedCells, before the merge.
 */
export async function restoreEnrichedCells(
  { tableId, edits }: { tableId: string; edits: { rowId: string; set: string; remove?: string }[] },
  tx: Tx,
): Promise<void> {
  await run(
    RESTORE_ENRICHED,
    [tableId, edits.map((e) => e.rowId), edits.map((e) => e.set), edits.map((e) => e.remove ?? "[]")],
    tx,
  );
}
