// The one owner of rows.cell_states: the latest task of each enriched cell of a row, as
// { [columnId]: { t: taskId, s: status, c?: confidence, e?: error, p?: provider } }, where p is
// the provider whose value the cell holds ("demo", "hunter.email-finder", "llm", …). A trigger derives the
// row's status, confidence and error from it (see the init migration), so it is only ever
// changed by merging one row's patch in one UPDATE; glaze_merge_cell_states keeps a patch from
// overwriting a newer task's state. These SQL fragments are the only places that build it.

import { BUDGET_REACHED, CANCELLED_ERROR, EDITED_ERROR } from "../task-errors";
import { statusIn } from "./status-filter";
import type { TaskStatus } from "./types";

/**
 * SQL: the stored state of task `alias` (id, status, confidence, error) once it is final;
 * `provider` is an SQL expression for the winning provider, when the statement knows it.
 */
export const finalStateOf = (alias: string, provider?: string) =>
  `jsonb_strip_nulls(jsonb_build_object('t', ${alias}.id, 's', ${alias}.status, 'c', ${alias}.confidence, 'e', ${alias}.error${provider ? `, 'p', ${provider}` : ""}))`;

/**
 * SQL: an aggregate of tasks `alias` (grouped by row) into the row's patch { [columnId]: state }
 * of each task while it waits or runs. The object is written as text and parsed once, as ids
 * and statuses need no escaping: building it with jsonb_object_agg of jsonb_build_object cost
 * ~2 µs a cell, 2 s of queueing a job of 1,000,000 cells.
 */
export const pendingStatesOf = (alias: string, status: "queued" | "running") =>
  `('{' || string_agg('"' || ${alias}.column_id::text || '":{"t":"' || ${alias}.id::text || '","s":"${status}"}', ',') || '}')::jsonb`;

/**
 * SQL: `rows` merged with `patch` (a relation of (row_id, states)). `onlyLatest` keeps a
 * patch from replacing the state of a newer task of the same cell. Without it the merge is
 * jsonb's `||`, written out: calling glaze_merge_cell_states (a SQL function Postgres cannot
 * inline) cost ~30 µs a row, 3 s of queueing a job of 1,000,000 cells.
 */
export const mergeStates = (patch: string, onlyLatest: boolean) =>
  onlyLatest
    ? `glaze_merge_cell_states(rows.cell_states, ${patch}.states, true)`
    : `(rows.cell_states || ${patch}.states)`;

/**
 * SQL: task `alias` is (or will be) a run of its cell, which the cell can show: not one a cancel,
 * a hand edit or a budget ended before it ran (a cell such a task ended goes back to the run
 * before it, or shows why it did not run when there is none).
 */
export const wasRun = (alias: string) =>
  `(${alias}.error IS NULL OR (${alias}.error NOT IN ('${CANCELLED_ERROR}', '${EDITED_ERROR}')
     AND NOT (${alias}.status = 'skipped' AND ${alias}.error = '${BUDGET_REACHED}')))`;

/**
 * SQL: a LATERAL subquery over the run of cell (`alias`.row_id, `alias`.column_id) before task
 * `alias` ended without running (a cancel, a budget), which the cell goes back to: the cell's
 * latest other task that was run (see wasRun). `state` is its state, or its pending state while
 * it still waits or runs (two runs of the cell at once), so that its result lands when it ends;
 * `value_back` is the value it found after `alias` began, which was not merged then (the cell
 * was `alias`'s); `typed_over` says a value found before `alias` began is no longer the cell's
 * (its row's value under `columnKey`, SQL for the cell's column key): a value typed by hand
 * replaced it and dropped its state, so the cell goes back to no state, not to the run's.
 * `alias` needs id, row_id, column_id and created_at; `when` is an extra SQL condition.
 */
export const previousRunOf = (alias: string, columnKey: string, when = "true") => {
  const current = `(SELECT r0.data -> ${columnKey} FROM rows r0 WHERE r0.id = ${alias}.row_id)`;
  return `
  SELECT CASE WHEN ${statusIn("p", ["queued", "running"])} THEN jsonb_build_object('t', p.id, 's', p.status)
              ELSE ${finalStateOf("p", "p.result ->> 'provider'")} END AS state,
         CASE WHEN ${statusIn("p", ["done"])} AND p.completed_at > ${alias}.created_at THEN p.result -> 'value' END
           AS value_back,
         COALESCE(${statusIn("p", ["done"])} AND p.completed_at <= ${alias}.created_at
                  AND COALESCE(${current}, 'null'::jsonb) IS DISTINCT FROM COALESCE(p.result -> 'value', 'null'::jsonb), false)
           AS typed_over
    FROM cell_enrichment_tasks p
   WHERE ${when} AND p.row_id = ${alias}.row_id AND p.column_id = ${alias}.column_id AND p.id <> ${alias}.id
     AND ${wasRun("p")}
   ORDER BY p.created_at DESC LIMIT 1`;
};

/**
 * SQL: aggregates (grouped by row) of cells `alias` that go back to their previous run (rows
 * of previousRunOf with the task's id, column_id and column_key, and `previous`, the state to
 * put back), as glaze_restore_cell_states and glaze_restore_values take them: `ended` (the
 * tasks ended), `previous` (none for a cell typed over: it goes back to no state) and
 * `values_back`.
 */
export const restoredCellsOf = (alias: string) => `
  jsonb_object_agg(${alias}.column_id::text, ${alias}.id::text) AS ended,
  jsonb_object_agg(${alias}.column_id::text, ${alias}.previous) FILTER (WHERE NOT ${alias}.typed_over) AS previous,
  jsonb_object_agg(${alias}.column_id::text, jsonb_build_object('k', ${alias}.column_key, 'v', ${alias}.value_back))
    FILTER (WHERE ${alias}.value_back IS NOT NULL AND ${alias}.column_key IS NOT NULL) AS values_back`;

/** SQL: the id of the latest task of cell (`rowAlias`, `columnIdExpr`), or null. */
export const latestTaskIdOf = (rowAlias: string, columnIdExpr: string) =>
  `(${rowAlias}.cell_states -> ${columnIdExpr}::text ->> 't')::uuid`;

/**
 * SQL: the status of cell (`rowAlias`, column `columnIdExpr`) for filters: its latest task's,
 * 'cancelled' for a failure that is a cancel's (the grid shows those apart, and a row's status
 * does not count them failed), or 'idle' when it was never enriched.
 */
export const cellStatusOf = (rowAlias: string, columnIdExpr: string) => {
  const cell = `${rowAlias}.cell_states -> ${columnIdExpr}`;
  return `CASE WHEN ${cell} ->> 'e' = '${CANCELLED_ERROR}' AND ${cell} ->> 's' = 'failed' THEN 'cancelled'
               ELSE COALESCE(${cell} ->> 's', 'idle') END`;
};

/** SQL: the confidence of cell (`rowAlias`, `columnIdExpr`), null unless its latest task is done. */
export const cellConfidenceOf = (rowAlias: string, columnIdExpr: string) =>
  `(${rowAlias}.cell_states -> ${columnIdExpr} ->> 'c')::double precision`;

/** The API's view of a cell's latest task; `provider` is the source of a done cell's value. */
export type CellStateDto = {
  taskId: string;
  status: TaskStatus;
  confidence?: number;
  error?: string;
  provider?: string;
};
export type CellStates = Record<string, CellStateDto>;

type Stored = { t: string; s: TaskStatus; c?: number; e?: string; p?: string };

/** rows.cell_states as the API shows it (`cells` of a row), by column id. */
export function readCellStates(raw: unknown): CellStates {
  const out: CellStates = {};
  if (!raw || typeof raw !== "object") return out;
  for (const [columnId, value] of Object.entries(raw as Record<string, Stored>)) {
    out[columnId] = {
      taskId: value.t,
      status: value.s,
      ...(value.c !== undefined ? { confidence: value.c } : {}),
      ...(value.e !== undefined ? { error: value.e } : {}),
      ...(value.p !== undefined ? { provider: value.p } : {}),
    };
  }
  return out;
}
