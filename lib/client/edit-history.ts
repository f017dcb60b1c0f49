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

/**
 * What an undo (`to` = the values before the edit) or a redo (`to` = after) writes: per row,
 * the values whose cell still holds what the edit left there (`from`), in columns that still
 * exist. A cell someone changed since is left as it is (counted in `changedSince`: an undo
 * wrote the old value over another person's later edit); a key of a deleted column is left
 * out (the whole undo was refused, and lost). Rows whose values are not known (`current`
 * undefined: not loaded) are written as they are. Rows left with nothing to write are dropped.
 */
export function valuesToWrite(
  rows: { id: string; from: RowData; to: RowData }[],
  current: (id: string) => RowData | undefined,
  columnKeys: Set<string> | undefined,
): { rows: { id: string; data: RowData }[]; changedSince: number } {
  let changedSince = 0;
  const out: { id: string; data: RowData }[] = [];
  for (const row of rows) {
    const now = current(row.id);
    const data: RowData = {};
    for (const key of Object.keys(row.to)) {
      if (columnKeys && !columnKeys.has(key)) continue;
      const held = now ? ((readOwn(now, key) as RowData[string] | undefined) ?? null) : undefined;
      const left = (readOwn(row.from, key) as RowData[string] | undefined) ?? null;
      if (held !== undefined && held !== left) {
        changedSince++;
        continue;
      }
      data[key] = (readOwn(row.to, key) as RowData[string] | undefined) ?? null;
    }
    if (Object.keys(data).length > 0) out.push({ id: row.id, data });
  }
  return { rows: out, changedSince };
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
