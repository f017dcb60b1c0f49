import "server-only";
import type { getDb } from "../db";
import { invalid } from "../errors";
import { keysReadBy } from "../providers/recipe";
import { wellFormedIds } from "../rows/by-id";
import type { Selection } from "./schemas";

// A run that fills a cell another cell of the same run reads (the same row, a column whose
// recipe maps it as an input) would race itself: the reader is asked about a value the run is
// replacing, and fails ("changed while this cell ran") after its providers were paid. Such a
// selection is refused (422), by POST /enrich and by its estimate alike, with an order of runs
// that works (a chain: Email, then Title, then Location).

type Column = { id: string; key: string; label: string; recipe: unknown };

export async function refuseReadersWithTheirSources(
  tableId: string,
  selection: Selection,
  db: ReturnType<typeof getDb>,
): Promise<void> {
  const ids = new Set(
    wellFormedIds(selection.mode === "cells" ? selection.cells.map((c) => c.columnId) : selection.columnIds),
  );
  if (ids.size < 2) return;
  const columns: Column[] = await db.column.findMany({
    where: { tableId, id: { in: [...ids] } },
    orderBy: { order: "asc" },
    select: { id: true, key: true, label: true, recipe: true },
  });
  const byKey = new Map(columns.map((c) => [c.key, c]));
  const sourcesOf = new Map<Column, Column[]>(
    columns.map((reader) => [
      reader,
      [...keysReadBy(reader.recipe)].flatMap((key) => {
        const source = byKey.get(key);
        return source && source !== reader ? [source] : [];
      }),
    ]),
  );
  let clashes = columns.flatMap((reader) => (sourcesOf.get(reader) ?? []).map((source) => ({ reader, source })));
  if (selection.mode === "cells") {
    // Cells of different rows do not read each other.
    const byRow = new Map<string, Set<string>>();
    for (const cell of selection.cells) {
      const row = cell.rowId.toLowerCase();
      byRow.set(row, (byRow.get(row) ?? new Set()).add(cell.columnId.toLowerCase()));
    }
    clashes = clashes.filter(({ reader, source }) =>
      [...byRow.values()].some((set) => set.has(reader.id) && set.has(source.id)),
    );
  }
  if (clashes.length === 0) return;
  const involved = [...new Set(clashes.flatMap((c) => [c.source, c.reader]))];
  const steps = runOrder(involved, sourcesOf)
    .map((step) => step.map((c) => `“${c.label}”`).join(" and "))
    .join(", then ");
  throw invalid(
    `This run fills columns that other columns of it read: enrich them one run after another: ${steps}`,
    clashes.map(({ reader, source }) => ({
      path: selection.mode === "cells" ? "cellIds" : "columnIds",
      message: `“${reader.label}” (${reader.key}) reads “${source.label}” (${source.key}), which this run also fills`,
    })),
  );
}

/** The columns grouped into runs: each after the runs that fill what it reads (a cycle shares one). */
function runOrder(columns: Column[], sourcesOf: Map<Column, Column[]>): Column[][] {
  const level = new Map<Column, number>();
  const levelOf = (column: Column, path: Set<Column>): number => {
    const known = level.get(column);
    if (known !== undefined) return known;
    path.add(column);
    const sources = (sourcesOf.get(column) ?? []).filter((s) => columns.includes(s) && !path.has(s));
    const value = sources.length === 0 ? 0 : 1 + Math.max(...sources.map((s) => levelOf(s, path)));
    path.delete(column);
    level.set(column, value);
    return value;
  };
  for (const column of columns) levelOf(column, new Set());
  const deepest = Math.max(...columns.map((c) => level.get(c) ?? 0));
  return Array.from({ length: deepest + 1 }, (_, i) => columns.filter((c) => (level.get(c) ?? 0) === i)).filter(
    (step) => step.length > 0,
  );
}
