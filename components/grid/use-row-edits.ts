import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toCellValue } from "@/lib/client/cell-value";
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
import type { ViewQuery } from "@/lib/client/view-query";
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

  const writeCells = useMutation({
    meta: { errorTitle: "Could not save the change" },
    mutationFn: async ({ writes, overflow }: { writes: CellWrite[]; label?: string; overflow?: PasteOverflow }) => {
      const rows = [...new Set(writes.map((w) => w.row))].sort((a, b) => a - b);
      if (rows.length > MAX_ROWS_PER_EDIT)
        throw new Error(`At most ${rowCount(MAX_ROWS_PER_EDIT)} can be changed at once.`);
      const added = overflow?.rows ?? [];
      if (added.length > MAX_ROWS_PER_APPEND)
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
      for (const [rowId, data] of byRow) patchCache(rowId, data);
      const rowsToSave = [...byRow].map(([id, data]) => ({ id, data }));
      if (rowsToSave.length === 1)
        replaceInCache(await fetchers.updateRow(tableId, rowsToSave[0].id, rowsToSave[0].data));
      else if (rowsToSave.length > 1)
        for (const row of (await fetchers.updateRows(tableId, rowsToSave)).data) replaceInCache(row);
      if (added.length > 0) {
        await fetchers.createRows(
          tableId,
          added.map((line) => ({ data: newRowData(line, columns) })),
        );
        client.setQueryData<TableDto>(queryKeys.tableMeta(tableId), (t) =>
          t ? { ...t, rowCount: t.rowCount + added.length } : t,
        );
        await client.invalidateQueries({ queryKey: blocks });
      }
      return { changed: byRow.size, added: added.length };
    },
    onSuccess: ({ changed, added }, { label, overflow }) => {
      if (!label) return;
      const dropped = overflow?.droppedColumns ?? 0;
      toast.show({
        kind: dropped > 0 ? "info" : "success",
        title: `${label} ${rowCount(changed)}${added > 0 ? ` and added ${rowCount(added)}` : ""}`,
        ...(dropped > 0
          ? {
              message: `${dropped.toLocaleString("en-US")} pasted column${dropped === 1 ? " was" : "s were"} past the last column and left out.`,
            }
          : {}),
      });
    },
    onError: () => client.invalidateQueries({ queryKey: blocks }),
  });

  const deleteRows = useMutation({
    meta: { errorTitle: "Could not delete the rows" },
    mutationFn: async (intervals: [number, number][]) => {
      const total = intervals.reduce((n, [a, b]) => n + b - a + 1, 0);
      if (total > MAX_ROWS_PER_DELETE)
        throw new Error(`At most ${rowCount(MAX_ROWS_PER_DELETE)} can be deleted at once.`);
      const ids = [...(await resolveRowIds(client, tableId, view, intervals)).values()];
      return (await fetchers.deleteRows(tableId, ids)).meta.deleted;
    },
    onSettled: async () => {
      await client.invalidateQueries({ queryKey: queryKeys.tableMeta(tableId) });
      await client.invalidateQueries({ queryKey: blocks });
    },
    onSuccess: (deleted) => toast.show({ kind: "success", title: `Deleted ${rowCount(deleted)}` }),
  });

  const addRow = useMutation({
    meta: { errorTitle: "Could not add a row" },
    mutationFn: () => fetchers.createRows(tableId, [{ data: {} }]),
    onSuccess: async () => {
      client.setQueryData<TableDto>(queryKeys.tableMeta(tableId), (t) => (t ? { ...t, rowCount: t.rowCount + 1 } : t));
      await client.invalidateQueries({ queryKey: blocks });
    },
  });

  return { writeCells, deleteRows, addRow };
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
