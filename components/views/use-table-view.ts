import { useCallback, useEffect, useMemo, useReducer, useState } from "react";
import type { ColumnDto, ViewDto } from "@/lib/client/fetchers";
import type { ViewQuery } from "@/lib/client/view-query";
import { fitColumns, fromSaved, isDirty, viewReducer } from "@/lib/client/view-state";
import { useDebouncedValue } from "./use-debounced-value";
import { useRememberView } from "./use-remember-view";

/**
 * The view the grid shows: the working view (a saved one as loaded, plus changes), the search
 * box, and what follows from them: the rows' query and the columns shown. It starts on the
 * view the address names, else the person's last used one (`initialViewId`, read by the page on the server, so
 * the first rows fetched are already that view's); `choose` switches and remembers it.
 */
export function useTableView(tableId: string, columns: ColumnDto[], views: ViewDto[], initialViewId: string | null) {
  const [working, dispatch] = useReducer(viewReducer, undefined, () =>
    fromSaved(views.find((view) => view.id === initialViewId) ?? null),
  );
  const state = useMemo(() => fitColumns(working, columns), [working, columns]);
  const remember = useRememberView(tableId);
  const choose = useCallback(
    (view: ViewDto | null) => {
      dispatch({ type: "load", view });
      remember(view?.id ?? null);
    },
    [remember],
  );
  const [search, setSearch] = useState("");
  const q = useDebouncedValue(search, 250);
  const query = useMemo<ViewQuery>(
    () => ({ filter: state.filter, sort: state.sort, q }),
    [state.filter, state.sort, q],
  );
  const visible = useMemo(
    () => columns.filter((column) => !state.hiddenColumns.includes(column.key)),
    [columns, state.hiddenColumns],
  );
  // A saved view deleted meanwhile leaves its settings as an unsaved view.
  const saved = views.find((view) => view.id === state.viewId) ?? null;
  useViewInAddress(saved?.id ?? null);
  return {
    state,
    dispatch,
    choose,
    search,
    setSearch,
    query,
    visible,
    saved,
    dirty: isDirty(state, saved),
  };
}

export type TableView = ReturnType<typeof useTableView>;

/**
 * The saved view on screen, in the page's address (`?view=<id>`, none for all rows or an
 * unsaved view): a reload or a copied link opens it. Replaced, not pushed: Back still leaves
 * the table, as before.
 */
function useViewInAddress(viewId: string | null) {
  useEffect(() => {
    const url = new URL(window.location.href);
    if ((url.searchParams.get("view") ?? null) === viewId) return;
    if (viewId) url.searchParams.set("view", viewId);
    else url.searchParams.delete("view");
    window.history.replaceState(window.history.state, "", url);
  }, [viewId]);
}
