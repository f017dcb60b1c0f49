// The error a cell's run ends with when its job was cancelled before the cell ran: written by
// the cancel (store/cancel.ts), read by the grid and the provenance panel to say "Cancelled".
// Pure, so client components import it too.

/** The error of a cell whose job was cancelled before it ran. */
export const CANCELLED_ERROR = "cancelled";
