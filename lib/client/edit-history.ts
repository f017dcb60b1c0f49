import { readOwn } from "@/lib/json";
import type { RowData } from "@/lib/rows/serialize";

// The grid's undo and redo: each edit of cells (typing, a paste, a clear) is an entry with
// every changed row's values before and after it, and the rows a paste added. Undo writes the
// values back through the API (and deletes the added rows); redo writes them again (and adds
// the rows again, under new ids). A deletion of rows is an entry too: undo restores it
// (POST /rows/restore, same ids and places), redo deletes the rows again. The history lives in
// the page, per table.

export type EditEntry = {
  label: string;
  rows: { id: string; before: RowData; after: RowData }[];
  /** Rows the edit added (a paste past the last row), with their values. */
  added: { id: string; data: RowData }[];
  /** Rows the edit deleted: the deletion to restore, and the rows' ids to delete again. */
  deleted?: { deletion: string; ids: string[] };
};

/** Entries kept for undo: older ones are dropped. */
export const MAX_UNDO = 100;

/**
 * The values `after` replaces in a row whose data is `data` (null for keys it did not hold),
 * or undefined when the row's data is not known (not loaded): such an edit cannot be undone.
 */
export function valuesBefore(data: RowData | undefined, after: RowData): RowData | undefined {
  if (!data) return undefined;
  const before: RowData = {};
  for (const key of Object.keys(after)) before[key] = (readOwn(data, key) as RowData[string] | undefined) ?? null;
  return before;
}

/** The stacks of edits to undo and to redo; a new edit clears the redo stack. */
export class EditHistory {
  private readonly done: EditEntry[] = [];
  private readonly undone: EditEntry[] = [];

  record(entry: EditEntry) {
    this.done.push(entry);
    if (this.done.length > MAX_UNDO) this.done.shift();
    this.undone.length = 0;
  }

  /**
   * Runs `apply` on the latest edit; it moves to the redo stack once `apply` succeeded. An
   * edit that cannot be undone (its rows were deleted meanwhile) is dropped with the error.
   */
  async undo(apply: (entry: EditEntry) => Promise<void>, only?: EditEntry): Promise<EditEntry | undefined> {
    if (only) {
      // A toast's Undo takes back its own edit, wherever it is in the stack (or nothing, once
      // it was undone already).
      const index = this.done.indexOf(only);
      if (index === -1) return undefined;
      this.done.splice(index, 1);
      this.done.push(only);
    }
    return this.move(this.done, this.undone, apply);
  }

  /** Runs `apply` on the latest undone edit; it moves back to the undo stack once `apply` succeeded. */
  async redo(apply: (entry: EditEntry) => Promise<void>): Promise<EditEntry | undefined> {
    return this.move(this.undone, this.done, apply);
  }

  private async move(from: EditEntry[], to: EditEntry[], apply: (entry: EditEntry) => Promise<void>) {
    const entry = from.pop();
    if (!entry) return undefined;
    await apply(entry);
    to.push(entry);
    return entry;
  }
}
