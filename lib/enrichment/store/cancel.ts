import "server-only";
import type { Tx } from "../../db";
import { CANCELLED_ERROR } from "../task-errors";
import { finalStateOf, mergeStates, previousRunOf, restoredCellsOf } from "./cell-states";
import { countInto, shardOfTasks } from "./counters";
import { run, type Statement } from "./run";
import { statusIn } from "./status-filter";

export { CANCELLED_ERROR };

// Cancelling is two steps, so that it costs the same for 10 cells and for a million: the job
// row is marked cancelled at once (claims then skip its tasks, see claim.ts), and its queued
// tasks are settled as failed "cancelled" in bounded batches by whoever gets there (their
// cells going back to the state of their previous run: a cancelled re-run leaves the grid as
// it was before the job, not red with failures; a cell that never ran shows "cancelled",
// which no row counts as a failure): the
// cancel request for a first slice, then a background function, a worker that meets one, or
// the watchdog. An attempt under way finishes; a running task whose next attempt a claim
// refuses is settled by that caller (settle-unclaimed.ts).

const MARK_CANCELLED: Statement = {
  name: "glaze-mark-job-cancelled",
  plan: "generic",
  text: `UPDATE enrichment_jobs SET status = 'cancelled', completed_at = now(), started_at = COALESCE(started_at, now())
          WHERE id = $1::uuid AND table_id = $2::uuid AND status IN ('pending', 'running')
         RETURNING id::text`,
};

/** Marks the job cancelled if it is still pending or running; false if it was not. */
export async function markJobCancelled({ tableId, jobId }: { tableId: string; jobId: string }, tx?: Tx) {
  return (await run(MARK_CANCELLED, [jobId, tableId], tx)).length > 0;
}

// Ends a bounded batch of a job's unfinished tasks as failed with a reason: the queued tasks of
// a cancelled job ($5 = false, $6 = true), also its listed running ones ($5 = true, $6 = true:
// cells handed over to wait for a provider's rate limit), or every unfinished task of a job
// the orchestrator gave up on ($5 = true, $6 = false).
const END_TASKS: Statement = {
  name: "glaze-end-tasks",
  plan: "generic",
  text: `
    WITH picked AS (
      SELECT ct.id FROM cell_enrichment_tasks ct
        JOIN enrichment_jobs j ON j.id = ct.job_id AND (NOT $6::boolean OR j.status = 'cancelled')
       WHERE ct.job_id = $1::uuid AND ($2::uuid[] IS NULL OR ct.id = ANY($2::uuid[]))
         AND (ct.status = 'queued' OR ($5::boolean AND ct.status = 'running'))
       LIMIT $3
         FOR UPDATE OF ct SKIP LOCKED
    ), t AS (
      UPDATE cell_enrichment_tasks ct SET status = 'failed', error = $4, completed_at = now()
        FROM picked WHERE ct.id = picked.id AND ${statusIn("ct", ["queued", "running"])}
      RETURNING ct.id, ct.row_id, ct.column_id, ct.job_id, ct.status, ct.confidence, ct.error, ct.created_at
    ), prev AS (
      -- Cancelled cells go back to their previous run (README: Cancelling), unless it was itself
      -- cancelled or ended by a hand edit (then they show "cancelled"): its state, or, while it
      -- still waits or runs (two runs of the cell at once), its pending state, so its result
      -- lands when it ends; a value it found after this run began was not merged then: back. A
      -- cell whose value was typed by hand over its previous run's goes back to no state.
      -- A cell that never ran goes back to its own state ("cancelled").
      SELECT t.*, c.key AS column_key, COALESCE(pv.state, ${finalStateOf("t")}) AS previous, pv.value_back,
             COALESCE(pv.typed_over, false) AS typed_over
        FROM t LEFT JOIN columns c ON c.id = t.column_id
        LEFT JOIN LATERAL (${previousRunOf("t", "c.key", "$6::boolean")}) pv ON true
    ), per_row AS (
      SELECT row_id, jsonb_object_agg(column_id::text, ${finalStateOf("prev")}) AS states, ${restoredCellsOf("prev")}
        FROM prev GROUP BY row_id ORDER BY row_id
    ), r AS (
      -- Both read the row's states as they were (before this update).
      UPDATE rows SET cell_states = CASE WHEN $6::boolean
               THEN glaze_restore_cell_states(rows.cell_states, per_row.ended, per_row.previous)
               ELSE ${mergeStates("per_row", true)} END,
             data = CASE WHEN per_row.values_back IS NULL THEN rows.data
               ELSE glaze_restore_values(rows.data, rows.cell_states, per_row.ended, per_row.values_back) END,
             updated_at = now()
        FROM per_row WHERE rows.id = per_row.row_id
    ), per_job AS (
      SELECT job_id, ${shardOfTasks("id")} AS shard, 0 AS done, count(*)::int AS failed, 0 AS skipped,
             CASE WHEN $6::boolean THEN count(*)::int ELSE 0 END AS cancelled
        FROM t GROUP BY job_id
    ), counted AS (${countInto("per_job", { cancelled: true })})
    SELECT count(*)::int AS ended FROM t`,
};

/**
 * Ends up to `limit` queued tasks of a cancelled job (or only those of `taskIds`, and with
 * `running` also those of them that are running) as failed "cancelled", counted into the
 * job. Does nothing for a job that is not cancelled. Batches skip tasks another settler
 * holds, so concurrent settlers never wait on each other. Call finalizeJobs afterwards
 * (outside any transaction) so the job's totals are copied.
 */
export async function settleCancelledTasks(
  { jobId, taskIds, limit, running = false }: { jobId: string; taskIds?: string[]; limit: number; running?: boolean },
  tx?: Tx,
): Promise<number> {
  const [{ ended }] = await run<{ ended: number }>(
    END_TASKS,
    [jobId, taskIds ?? null, limit, CANCELLED_ERROR, running && taskIds !== undefined, true],
    tx,
  );
  return ended;
}

/** Ends up to `limit` unfinished (queued or running) tasks of a job as failed with `reason`. */
export async function failRemainingTasks({ jobId, reason, limit }: { jobId: string; reason: string; limit: number }) {
  const [{ ended }] = await run<{ ended: number }>(END_TASKS, [jobId, null, limit, reason, true, false]);
  return ended;
}
