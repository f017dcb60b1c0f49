import { useMutation, useQueryClient } from "@tanstack/react-query";
import { fetchers } from "@/lib/client/fetchers";
import { queryKeys } from "@/lib/client/query-keys";
import type { ColumnDto } from "@/lib/columns/serialize";
import { useToast } from "../ui/toast-provider";
import { refetchRowBlocks } from "./use-row-blocks";

type NewColumn = { key: string; label: string; dataType: ColumnDto["dataType"] };

/** Column edits: each is one API call, then the table (its ordered columns) is refetched. */
export function useColumnActions(tableId: string) {
  const client = useQueryClient();
  const toast = useToast();
  const refresh = async () => {
    await client.invalidateQueries({ queryKey: queryKeys.tableMeta(tableId) });
  };
  // A deleted or retyped column leaves the saved views that named it (the server pruned them).
  const refreshViews = () => client.invalidateQueries({ queryKey: queryKeys.views(tableId) });

  const addColumn = useMutation({
    meta: { errorTitle: "Could not add the column" },
    mutationFn: (column: NewColumn) => fetchers.createColumn(tableId, column),
    onSuccess: async (column) => {
      await refresh();
      toast.show({ kind: "success", title: `Added column “${column.label}”` });
    },
  });

  const updateColumn = useMutation({
    meta: { errorTitle: "Could not change the column" },
    mutationFn: ({
      columnId,
      patch,
    }: {
      columnId: string;
      patch: { label?: string; order?: number; dataType?: ColumnDto["dataType"] };
    }) => fetchers.updateColumn(tableId, columnId, patch),
    onSuccess: async (_column, { patch }) => {
      await refresh();
      // A new type sorts and filters the values another way: the views read them again.
      if (patch.dataType) await Promise.all([refetchRowBlocks(client, tableId), refreshViews()]);
    },
  });

  const deleteColumn = useMutation({
    meta: { errorTitle: "Could not delete the column" },
    mutationFn: (column: ColumnDto) => fetchers.deleteColumn(tableId, column.id),
    onSuccess: async (_result, column) => {
      await refresh();
      // The deleted key is gone from every row's data.
      await Promise.all([refetchRowBlocks(client, tableId), refreshViews()]);
      toast.show({ kind: "success", title: `Deleted column “${column.label}”` });
    },
  });

  return { addColumn, updateColumn, deleteColumn };
}
