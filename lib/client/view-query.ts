import {
  type FilterNode,
  filterParam,
  filterWithSearch,
  type SortKey,
  sortParam,
  sortToParam,
} from "@/lib/views/filter-schema";

// Which rows the grid shows and in which order: the filter and sort of the view being looked
// at and the search box. It is part of every row window's query key (query-keys.ts), so each
// view has its own cached windows and row count. Pure.

export type ViewQuery = { filter: FilterNode | null; sort: SortKey[]; q: string };

export const PLAIN_VIEW: ViewQuery = { filter: null, sort: [], q: "" };

/** The GET /rows parameters of a view (none for the table's own order). */
export function viewParams(view: ViewQuery): Record<string, string> {
  const params: Record<string, string> = {};
  if (view.filter) params.filter = JSON.stringify(view.filter);
  if (view.sort.length > 0) params.sort = sortToParam(view.sort);
  if (view.q.trim() !== "") params.q = view.q.trim();
  return params;
}

/** A stable string naming the view's rows: equal views share cached windows. */
export const viewKey = (view: ViewQuery) => new URLSearchParams(viewParams(view)).toString() || "all";

/** The view a key names (viewKey's inverse), or null when the key is not one. */
export function viewOfKey(key: string): ViewQuery | null {
  if (key === "all") return PLAIN_VIEW;
  const params = new URLSearchParams(key);
  const filter = params.has("filter") ? filterParam.safeParse(params.get("filter")) : null;
  const sort = sortParam.safeParse(params.get("sort") ?? "");
  if ((filter && !filter.success) || !sort.success) return null;
  return { filter: filter?.data ?? null, sort: sort.data, q: params.get("q") ?? "" };
}

/** True when the view shows only some of the table's rows. */
export const isFiltered = (view: ViewQuery) => view.filter !== null || view.q.trim() !== "";

/** The rows of the view as one filter tree (its filter and its search), for POST /enrich's rowFilter. */
export const rowFilterOf = (view: ViewQuery): FilterNode | null => filterWithSearch(view.filter, view.q);

/**
 * The view narrowed to the rows whose `key` is empty: enriching a column in it fills only its
 * empty cells (the rows chosen by the server from the same filter, as for any filtered view).
 */
export function withEmptyCells(view: ViewQuery, key: string): ViewQuery {
  const empty: FilterNode = { column: key, op: "is_empty" };
  return { ...view, filter: view.filter ? { and: [view.filter, empty] } : empty };
}
