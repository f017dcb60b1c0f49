import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { fetchers, type ViewDto } from "@/lib/client/fetchers";
import { queryKeys } from "@/lib/client/query-keys";
import type { ViewState } from "@/lib/client/view-state";
import { viewParts } from "@/lib/client/view-state";
import { useToast } from "../ui/toast-provider";

const NO_VIEWS: ViewDto[] = [];

export type ViewList = { data: ViewDto[]; meta: { total: number } };

/**
 * The table's saved views (starting from `initialViews`, listed by the page on the server),
 * and saving, updating and deleting them through the API.
 */
export function useViews(tableId: string, initialViews: ViewList) {
  const client = useQueryClient();
  const toast = useToast();
  const list = useQuery({
    queryKey: queryKeys.views(tableId),
    queryFn: ({ signal }) => fetchers.listViews(tableId, signal),
    initialData: initialViews,
    meta: { errorTitle: "Could not load the saved views" },
  });
  const refresh = () => client.invalidateQueries({ queryKey: queryKeys.views(tableId) });

  const create = useMutation({
    meta: { errorTitle: "Could not save the view" },
    mutationFn: ({ name, state, search }: { name: string; state: ViewState; search: string }) =>
      fetchers.createView(tableId, { name, ...viewParts(state, search) }),
    onSuccess: async (view) => {
      await refresh();
      toast.show({ kind: "success", title: `Saved view “${view.name}”` });
    },
  });

  const update = useMutation({
    meta: { errorTitle: "Could not save the view" },
    mutationFn: ({ viewId, state, search }: { viewId: string; state: ViewState; search: string }) =>
      fetchers.updateView(tableId, viewId, viewParts(state, search)),
    onSuccess: async (view) => {
      await refresh();
      toast.show({ kind: "success", title: `Saved view “${view.name}”` });
    },
  });

  const rename = useMutation({
    meta: { errorTitle: "Could not rename the view" },
    mutationFn: ({ view, name }: { view: ViewDto; name: string }) => fetchers.updateView(tableId, view.id, { name }),
    onSuccess: async (view, { view: before }) => {
      await refresh();
      toast.show({ kind: "success", title: `Renamed “${before.name}” to “${view.name}”` });
    },
  });

  const remove = useMutation({
    meta: { errorTitle: "Could not delete the view" },
    mutationFn: (view: ViewDto) => fetchers.deleteView(tableId, view.id),
    onSuccess: async (_result, view) => {
      await refresh();
      toast.show({ kind: "success", title: `Deleted view “${view.name}”` });
    },
  });

  return { views: list.data?.data ?? NO_VIEWS, create, update, rename, remove };
}
