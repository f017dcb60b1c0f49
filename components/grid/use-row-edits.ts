import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { toCellValue } from "@/lib/client/cell-value";
import { type EditEntry, EditHistory, valuesBefore, valuesToWrite } from "@/lib/client/edit-history";
import {
  type ColumnDto,
  fetchers,
  type RowData,
  type RowDto,
  type RowPage,
  type TableDto,
} from "@/lib/client/fetchers";
import { patchRowData } from "@/lib/client/grid-blocks";
import { queryKeys } from "@/lib/client/query-keys";
import { resolveRowIds } from "@/lib/client/resolve-row-ids";
import { isFiltered, type ViewQuery } from "@/lib/client/view-query";
import { useToast } from "../ui/toast-provider";

/** Rows one paste or clear may touch (one request, all or nothing). */
const MAX_ROWS_PER_EDIT = 2_000;
/** Rows one delete may remove (one request, all or nothing). */
const MAX_ROWS_PER_DELETE = 10_000;

export type CellWrite = { row: number; col: number; value: string | null };

/** What a paste leaves outside the grid (lib/client/grid-tsv.ts pasteOverflow). */
export type PasteOverflow = { rows: { col: number; value: string }[][]; droppedColumns: number };

/** Rows one paste may add past the last row (one request). */
const MAX_ROWS_PER_APPEND = 10_000;

const rowCount = (n: number) => `${n.toLocaleString("en-US")} row${n === 1 ? "" : "s"}`;

/**
 * Every edit of rows goes through the API; the cached windows (of every view) update at once
 * and roll back on failure. Row indices are those of `view`.
 */
export function useRowEdits(tableId: string, columns: ColumnDto[], view: ViewQuery) {
  const client = useQueryClient();
  const toast = useToast();
  const blocks = queryKeys.rowBlocks(tableId);
  const patchCache = (rowId: string, data: RowData) =>
    client.setQueriesData<RowPage>({ queryKey: blocks }, (page) => (page ? patchRowData(page, rowId, data) : page));
  const replaceInCache = (row: RowDto) =>
    client.setQueriesData<RowPage>({ queryKey: blocks }, (page) => {
      const index = page?.data.findIndex((r) => r.id === row.id) ?? -1;
      if (!page || index === -1) return page;
      const data = page.data.slice();
      data[index] = row;
      return { ...page, data };
    });

  const [history] = useState(() => new EditHistory());
  // Edits whose save is on its way: an edit enters the history when its save answers, so an
  // undo waits for them first (Ctrl+Z right after typing undid the edit before it).
  const [inFlight] = useState(() => new Set<Promise<unknown>>());
  const tracked = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    return work.finally(() => inFlight.delete(work));
  };
  const cachedRow = (id: string) => {
    for (const [, page] of client.getQueriesData<RowPage>({ queryKey: blocks })) {
      const row = page?.data.find((r) => r.id === id);
      if (row) return row;
    }
    return undefined;
  };
  const bumpRowCount = (delta: number) =>
    client.setQueryData<TableDto>(queryKeys.tableMeta(tableId), (t) =>
      t ? { ...t, rowCount: t.rowCount + delta } : t,
    );
  /** Writes values into rows: shown at once, then saved (one request), then shown as saved. */
  const saveValues = async (rows: { id: string; data: RowData }[]) => {
    for (const { id, data } of rows) patchCache(id, data);
    if (rows.length === 1) replaceInCache(await fetchers.updateRow(tableId, rows[0].id, rows[0].data));
    else if (rows.length > 1) for (const row of (await fetchers.updateRows(tableId, rows)).data) replaceInCache(row);
    // A cell's "Why this value?" says whether its value was written by hand: read it again.
    for (const { id } of rows) void client.invalidateQueries({ queryKey: queryKeys.rowCells(tableId, id) });
  };
  const addRows = async (data: RowData[]) => {
    if (data.length === 0) return [];
    const created = await fetchers.createRows(
      tableId,
      data.map((d) => ({ data: d })),
    );
    bumpRowCount(created.data.length);
    await client.invalidateQueries({ queryKey: blocks });
    return created.data.map((r) => ({ id: r.id, data: r.data }));
  };

  /** Writes cells (and a paste's extra rows), and records the edit for undo once it is saved. */
  const write = async ({
    writes,
    label,
    overflow,
  }: {
    writes: CellWrite[];
    label?: string;
    overflow?: PasteOverflow;
  }): Promise<string> => {
    const rows = [...new Set(writes.map((w) => w.row))].sort((a, b) => a - b);
    if (rows.length > MAX_ROWS_PER_EDIT)
      throw new Error(`At most ${rowCount(MAX_ROWS_PER_EDIT)} can be changed at once.`);
    const extra = overflow?.rows ?? [];
    if (extra.length > MAX_ROWS_PER_APPEND)
      throw new Error(`A paste may add at most ${rowCount(MAX_ROWS_PER_APPEND)} below the last row.`);
    const ids = await resolveRowIds(
      client,
      tableId,
      view,
      rows.map((r): [number, number] => [r, r]),
    );
    const byRow = new Map<string, RowData>();
    for (const w of writes) {
      const rowId = ids.get(w.row);
      const column = columns[w.col];
      if (!rowId || !column) continue;
      byRow.set(rowId, { ...byRow.get(rowId), [column.key]: toCellValue(w.value, column) });
    }
    const changes = [...byRow].map(([id, after]) => ({
      id,
      after,
      before: valuesBefore(cachedRow(id)?.data, after),
    }));
    await saveValues(changes.map((c) => ({ id: c.id, data: c.after })));
    const added = await addRows(extra.map((line) => newRowData(line, columns)));
    const title = label
      ? `${label} ${rowCount(byRow.size)}${added.length > 0 ? ` and added ${rowCount(added.length)}` : ""}`
      : `Edited ${rowCount(byRow.size)}`;
    // Rows that were not loaded (a selection scrolled far past) have no known values to restore.
    if (changes.length + added.length > 0 && changes.every((c) => c.before)) {
      history.record({
        label: title,
        rows: changes.map((c) => ({ id: c.id, before: c.before as RowData, after: c.after })),
        added,
      });
    }
    return title;
  };

  const writeCells = useMutation({
    meta: { errorTitle: "Could not save the change" },
    mutationFn: (edit: { writes: CellWrite[]; label?: string; overflow?: PasteOverflow }) => tracked(write(edit)),
    onSuccess: (title, { label, overflow }) => {
      if (!label) return;
      const dropped = overflow?.droppedColumns ?? 0;
      toast.show({
        kind: dropped > 0 ? "info" : "success",
        title,
        ...(dropped > 0
          ? {
              message: `${dropped.toLocaleString("en-US")} pasted column${dropped === 1 ? " was" : "s were"} past the last column and left out.`,
            }
          : {}),
      });
    },
    onError: () => client.invalidateQueries({ queryKey: blocks }),
  });

  /** Takes rows out of the cached windows at once (their windows are read again after). */
  const dropFromCache = (ids: Set<string>) =>
    client.setQueriesData<RowPage>({ queryKey: blocks }, (page) =>
      page ? { ...page, data: page.data.filter((row) => !ids.has(row.id)) } : page,
    );

  /**
   * Writes an edit's values back (undo) or again (redo), only into cells that still hold what
   * the edit left and columns that still exist (valuesToWrite); returns how many cells were
   * left because someone changed them since.
   */
  const writeBack = async (rows: { id: string; from: RowData; to: RowData }[]) => {
    const columns = client.getQueryData<TableDto>(queryKeys.tableMeta(tableId))?.columns;
    const keys = columns ? new Set(columns.map((c) => c.key)) : undefined;
    const plan = valuesToWrite(rows, (id) => cachedRow(id)?.data, keys);
    await saveValues(plan.rows);
    return plan.changedSince;
  };
  // Undos and redos run one after the other: a redo pressed while an undo was still saving found
  // nothing to redo yet (the undo moves to the redo stack once saved), and was lost.
  const [undoChain] = useState(() => ({ current: Promise.resolve() as Promise<unknown> }));

  const undoRedo = useMutation({
    meta: { errorTitle: "Could not undo or redo the change" },
    mutationFn: ({ direction, only }: { direction: "undo" | "redo"; only?: EditEntry }) => {
      const work = undoChain.current.then(() => undoOrRedo(direction, only));
      undoChain.current = work.catch(() => undefined);
      return work;
    },
    onSuccess: ({ entry, changedSince }, { direction }) =>
      toast.show(
        entry
          ? {
              kind: changedSince > 0 ? "info" : "success",
              title: `${direction === "undo" ? "Undid" : "Redid"}: ${entry.label}`,
              ...(changedSince > 0
                ? {
                    message: `${changedSince.toLocaleString("en-US")} cell${changedSince === 1 ? " was" : "s were"} changed by someone else since, and ${changedSince === 1 ? "was" : "were"} left as ${changedSince === 1 ? "it is" : "they are"}.`,
                  }
                : {}),
            }
          : { kind: "info", title: direction === "undo" ? "Nothing to undo" : "Nothing to redo" },
      ),
    // A filtered or sorted view reads its windows and count again: restored rows may enter it or move.
    onSettled: async (result, error) => {
      if (!result?.entry && !error) return;
      await client.invalidateQueries({ queryKey: blocks });
      await client.invalidateQueries({ queryKey: queryKeys.viewCounts(tableId) });
    },
  });

  async function undoOrRedo(
    direction: "undo" | "redo",
    only?: EditEntry,
  ): Promise<{ entry: EditEntry | undefined; changedSince: number }> {
    // The latest edit must be in the history before it is undone.
    await Promise.allSettled([...inFlight]);
    let changedSince = 0;
    const entry =
      direction === "undo"
        ? await history.undo(async (entry: EditEntry) => {
            if (entry.deleted) {
              // The windows and counts are read again once the undo settles (onSettled).
              const restored = await fetchers.restoreRows(tableId, entry.deleted.deletion);
              bumpRowCount(restored.meta.restored);
            }
            if (entry.added.length > 0) {
              await fetchers.deleteRows(
                tableId,
                entry.added.map((a) => a.id),
              );
              bumpRowCount(-entry.added.length);
              await client.invalidateQueries({ queryKey: blocks });
            }
            changedSince = await writeBack(entry.rows.map((r) => ({ id: r.id, from: r.after, to: r.before })));
          }, only)
        : await history.redo(async (entry: EditEntry) => {
            changedSince = await writeBack(entry.rows.map((r) => ({ id: r.id, from: r.before, to: r.after })));
            entry.added = await addRows(entry.added.map((a) => a.data));
            if (entry.deleted) {
              const { meta } = await fetchers.deleteRows(tableId, entry.deleted.ids);
              entry.deleted = { ...entry.deleted, deletion: meta.deletion };
              dropFromCache(new Set(entry.deleted.ids));
              bumpRowCount(-meta.deleted);
            }
          });
    return { entry, changedSince };
  }

  const deleteRows = useMutation({
    meta: { errorTitle: "Could not delete the rows" },
    mutationFn: async (intervals: [number, number][]) => {
      const total = intervals.reduce((n, [a, b]) => n + b - a + 1, 0);
      if (total > MAX_ROWS_PER_DELETE)
        throw new Error(`At most ${rowCount(MAX_ROWS_PER_DELETE)} can be deleted at once.`);
      const ids = [...(await resolveRowIds(client, tableId, view, intervals)).values()];
      const work = fetchers.deleteRows(tableId, ids).then(({ meta }) => {
        // In the history as soon as it is done (an undo waits for edits in flight).
        const entry: EditEntry = {
          label: `Deleted ${rowCount(meta.deleted)}`,
          rows: [],
          added: [],
          deleted: { deletion: meta.deletion, ids },
        };
        history.record(entry);
        return { deleted: meta.deleted, entry, ids: new Set(ids) };
      });
      return tracked(work);
    },
    onSettled: async () => {
      await client.invalidateQueries({ queryKey: queryKeys.tableMeta(tableId) });
      await client.invalidateQueries({ queryKey: blocks });
      await client.invalidateQueries({ queryKey: queryKeys.viewCounts(tableId) });
    },
    onSuccess: ({ deleted, entry, ids }) => {
      // Gone from the windows at once (their windows are read again after; a big table's took
      // seconds, and the rows stayed under the toast that said they were deleted).
      dropFromCache(ids);
      client.setQueryData<TableDto>(queryKeys.tableMeta(tableId), (table) =>
        table ? { ...table, rowCount: Math.max(0, table.rowCount - deleted) } : table,
      );
      toast.show({
        kind: "success",
        title: entry.label,
        action: { label: "Undo", onSelect: () => undoRedo.mutate({ direction: "undo", only: entry }) },
      });
    },
  });

  const addRow = useMutation({
    meta: { errorTitle: "Could not add a row" },
    mutationFn: () => addRows([{}]),
    // An empty row matches no search and few filters: say where it went.
    onSuccess: () => {
      if (isFiltered(view)) {
        toast.show({
          kind: "success",
          title: "Added a row",
          message: "The view's filter or search hides it: clear them to see it at the end of the table.",
        });
      }
    },
  });

  return {
    writeCells,
    deleteRows,
    addRow,
    undo: () => undoRedo.mutate({ direction: "undo" }),
    redo: () => undoRedo.mutate({ direction: "redo" }),
  };
}

/** A new row's data from pasted values by column index (empty values are left out). */
function newRowData(line: { col: number; value: string }[], columns: ColumnDto[]): RowData {
  const data: RowData = {};
  for (const { col, value } of line) {
    const column = columns[col];
    const cell = column ? toCellValue(value, column) : null;
    if (column && cell !== null) data[column.key] = cell;
  }
  return data;
}
