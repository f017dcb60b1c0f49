// Errors a cell's run ends with that say why it did not run, rather than what failed: written by
// the engine, read by the grid, the provenance panel and retries. Pure, so client components
// import them too.

/** The error of a cell whose job was cancelled before it ran (store/cancel.ts). */
export const CANCELLED_ERROR = "cancelled";

/** The error of a cell skipped because the workspace's budget had no credits left for its calls. */
export const BUDGET_REACHED = "budget reached";

/** The error of a cell's task that a value written by hand replaced before it ran or finished (store/edited-cells.ts). */
export const EDITED_ERROR = "edited by hand";
