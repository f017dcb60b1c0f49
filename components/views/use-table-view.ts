import { useSearchParams } from "next/navigation";
import { useCallback, useEffect, useEffectEvent, useMemo, useReducer, useRef, useState } from "react";
import type { ColumnDto, ViewDto } from "@/lib/client/fetchers";
import type { ViewQuery } from "@/lib/client/view-query";
import { fitColumns, fromSaved, isDirty, searchOf, viewReducer } from "@/lib/client/view-state";
import { useToast } from "../ui/toast-provider";
import { useDebouncedValue } from "./use-debounced-value";
import { useRememberView } from "./use-remember-view";

/**
 * The view the grid shows: the working view (a saved one as loaded, plus changes), the search
 * box, and what follows from them: the rows' query and the columns shown. It starts on the
 * view the address names, else the person's last used one (`initialViewId`, read by the page on the server, so
 * the first rows fetched are already that view's); `choose` switches and remembers it.
 */
export function useTableView(tableId: string, columns: ColumnDto[], views: ViewDto[], initialViewId: string | null) {
  // The address wins over what the page was rendered with: Back restores a page rendered for
  // the address it was opened at, while the address says the view that was on screen.
  const address = useSearchParams().get("view");
  const [opened] = useState(() => openedView(address, views, initialViewId));
  const [working, dispatch] = useReducer(viewReducer, undefined, () =>
    fromSaved(views.find((view) => view.id === opened.viewId) ?? null),
  );
  const state = useMemo(() => fitColumns(working, columns), [working, columns]);
  const remember = useRememberView(tableId);
  const toast = useToast();
  // A link's view is the one the person now looks at; a link to a view that is gone says so.
  const openedOnce = useRef(false);
  useEffect(() => {
    if (openedOnce.current) return;
    openedOnce.current = true;
    if (opened.from === "address") remember(opened.viewId);
    if (opened.from === "unknown")
      toast.show({ kind: "info", title: "The view in the link does not exist (any more): showing your last view" });
  }, [opened, remember, toast]);
  const choose = useCallback(
    (view: ViewDto | null) => {
      dispatch({ type: "load", view });
      // Each view opens as it was saved, its search included: none carried over from another.
      setSearch(searchOf(view));
      remember(view?.id ?? null);
    },
    [remember],
  );
  // A saved view's search (searchOf) is the search box's text while it is on screen.
  const [search, setSearch] = useState(() => searchOf(views.find((view) => view.id === opened.viewId) ?? null));
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
  useViewInAddress(saved?.id ?? null, address, (named) => {
    // Back or Forward to an address naming another view (or all rows): that view comes back.
    const { viewId, from } = openedView(named, views, null);
    if (from !== "address" || viewId === (saved?.id ?? null)) return;
    choose(views.find((view) => view.id === viewId) ?? null);
  });
  return {
    state,
    dispatch,
    choose,
    search,
    setSearch,
    query,
    visible,
    saved,
    dirty: isDirty(state, saved, search),
  };
}

export type TableView = ReturnType<typeof useTableView>;

/**
 * The saved view on screen, in the page's address (`?view=<id>`, `all` for all rows or an
 * unsaved view): a reload or a copied link opens it. Each view chosen is a step in the tab's
 * history (the page's first address is completed in place), and Back or Forward bring the view
 * of the address they return to (`onAddress`).
 */
function useViewInAddress(viewId: string | null, address: string | null, onAddress: (named: string) => void) {
  const first = useRef(true);
  useEffect(() => {
    const initial = first.current;
    first.current = false;
    const url = new URL(window.location.href);
    const named = viewId ?? ALL_ROWS;
    const had = url.searchParams.get("view");
    if (had === named) return;
    url.searchParams.set("view", named);
    // Next's router takes native history calls into its own state (null: its own is kept).
    if (initial || had === null) window.history.replaceState(null, "", url);
    else window.history.pushState(null, "", url);
  }, [viewId]);
  const follow = useEffectEvent((named: string) => onAddress(named));
  useEffect(() => {
    if (address) follow(address);
  }, [address]);
}

/** `?view=all`: the table's own rows and order, so that Back brings back "All rows" too. */
const ALL_ROWS = "all";

/** The view to open: the address's, when it names one of the table's views (or all rows), else the page's. */
export function openedView(
  address: string | null,
  views: { id: string }[],
  fallback: string | null,
): { viewId: string | null; from: "address" | "unknown" | "page" } {
  if (address === null || address === "") return { viewId: fallback, from: "page" };
  if (address === ALL_ROWS) return { viewId: null, from: "address" };
  const named = views.find((view) => view.id === address.toLowerCase());
  return named ? { viewId: named.id, from: "address" } : { viewId: fallback, from: "unknown" };
}
