import { expect, test } from "vitest";
import { type EditEntry, EditHistory, MAX_UNDO, valuesBefore, valuesToWrite } from "@/lib/client/edit-history";
import type { RowData } from "@/lib/rows/serialize";

const entry = (label: string): EditEntry => ({ label, rows: [], added: [] });

test("the values an edit replaces: each key's old value, null where the row had none; unknown rows give none", () => {
  expect(valuesBefore({ name: "Ada", constructor: "x" }, { name: "Ada K", title: "CTO", constructor: null })).toEqual({
    name: "Ada",
    title: null,
    constructor: "x",
  });
  // A key the row does not hold is null, even one every object inherits.
  expect(valuesBefore({}, { constructor: "y" })).toEqual({ constructor: null });
  expect(valuesBefore(undefined, { name: "x" })).toBeUndefined();
});

test("undo and redo move edits between the stacks in order; a new edit clears what could be redone", async () => {
  const history = new EditHistory();
  const applied: string[] = [];
  const apply = async (e: EditEntry) => {
    applied.push(e.label);
  };
  history.record(entry("a"));
  history.record(entry("b"));
  expect((await history.undo(apply))?.label).toBe("b");
  expect((await history.undo(apply))?.label).toBe("a");
  expect(await history.undo(apply)).toBeUndefined();
  expect((await history.redo(apply))?.label).toBe("a");
  history.record(entry("c"));
  expect(await history.redo(apply)).toBeUndefined();
  expect((await history.undo(apply))?.label).toBe("c");
  expect(applied).toEqual(["b", "a", "a", "c"]);
});

test("an edit that fails to undo is dropped with its error; older edits stay; only the last MAX_UNDO are kept", async () => {
  const history = new EditHistory();
  for (let i = 0; i <= MAX_UNDO; i++) history.record(entry(String(i)));
  await expect(
    history.undo(async () => {
      throw new Error("rows deleted");
    }),
  ).rejects.toThrow("rows deleted");
  const labels: string[] = [];
  while (await history.undo(async (e) => void labels.push(e.label)));
  expect(labels[0]).toBe(String(MAX_UNDO - 1));
  expect(labels).toHaveLength(MAX_UNDO - 1);
  expect(labels.at(-1)).toBe("1");
});

test("a toast's undo takes back its own edit wherever it is in the stack, and nothing once it was undone", async () => {
  const history = new EditHistory();
  const applied: string[] = [];
  const apply = async (e: EditEntry) => {
    applied.push(e.label);
  };
  const deletion = entry("deleted");
  history.record(deletion);
  history.record(entry("typed"));
  expect((await history.undo(apply, deletion))?.label).toBe("deleted");
  expect(await history.undo(apply, deletion)).toBeUndefined();
  // The later edit is still the one a plain undo takes; the deletion is what redo brings back first.
  expect((await history.undo(apply))?.label).toBe("typed");
  expect((await history.redo(apply))?.label).toBe("typed");
  expect(applied).toEqual(["deleted", "typed", "typed"]);
});

test("what an undo writes: only cells still holding what the edit left, only columns that still exist", () => {
  const rows: { id: string; from: RowData; to: RowData }[] = [
    { id: "r1", from: { name: "Alpha", city: null }, to: { name: "r1", city: "Paris" } },
    { id: "r2", from: { name: "Gamma" }, to: { name: "r2" } },
    { id: "r3", from: { name: "Delta" }, to: { name: "r3" } },
  ];
  const current: Record<string, Record<string, string | null>> = {
    // Someone typed Beta over Alpha since; city is still cleared.
    r1: { name: "Beta" },
    r2: { name: "Gamma" },
  };
  const plan = valuesToWrite(rows, (id) => current[id], new Set(["name", "city"]));
  expect(plan).toEqual({
    rows: [
      { id: "r1", data: { city: "Paris" } },
      { id: "r2", data: { name: "r2" } },
      // Not loaded: written as it is.
      { id: "r3", data: { name: "r3" } },
    ],
    changedSince: 1,
  });
  // The city column was deleted since: its value is left out, the rest is still undone.
  const gone = valuesToWrite(rows.slice(0, 1), () => ({ name: "Alpha" }), new Set(["name"]));
  expect(gone).toEqual({ rows: [{ id: "r1", data: { name: "r1" } }], changedSince: 0 });
  // Nothing left to write: the row is dropped.
  expect(valuesToWrite(rows.slice(1, 2), () => ({ name: "Zeta" }), undefined)).toEqual({ rows: [], changedSince: 1 });
});
