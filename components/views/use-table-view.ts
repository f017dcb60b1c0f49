import { useMemo, useReducer, useState } from "react";
import type { ColumnDto, ViewDto } from "@/lib/client/fetchers";
import type { ViewQuery } from "@/lib/client/view-query";
import { emptyView, isDirty, viewReducer } from "@/lib/client/view-state";
import { useDebouncedValue } from "./use-debounced-value";

/**
 * The view the grid shows: the working view (a saved one as loaded, plus changes), the search
 * box, and what follows from them: the rows' query and the columns shown.
 * TODO(issue 14): start from the person's last used view of the table (accounts exist now; it
 * is not stored yet).
 */
export function useTableView(columns: ColumnDto[], views: ViewDto[]) {
  const [state, dispatch] = useReducer(viewReducer, undefined, emptyView);
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
  return { state, dispatch, search, setSearch, query, visible, saved, dirty: isDirty(state, saved) };
}

export type TableView = ReturnType<typeof useTableView>;
