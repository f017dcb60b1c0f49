import type { FilterNode, SortKey } from "@/lib/views/filter-schema";
import { pruneView } from "@/lib/views/prune-view";
import type { ViewColumn } from "@/lib/views/resolve";
import type { ViewDto } from "@/lib/views/serialize-view";
import { rowFilterOf, type ViewQuery } from "./view-query";

// The view being worked on in the grid: a saved view as loaded, plus whatever was changed
// since (filter, sort, hidden columns, widths). "Save" writes it back. Pure reducer.

export type ViewState = {
  /** The saved view this started from, or null for the table's own rows and order. */
  viewId: string | null;
  filter: FilterNode | null;
  sort: SortKey[];
  hiddenColumns: string[];
  columnWidths: Record<string, number>;
};

export type ViewAction =
  | { type: "load"; view: ViewDto | null }
  | { type: "filter"; filter: FilterNode | null }
  | { type: "sort"; sort: SortKey[] }
  | { type: "sortBy"; column: string; direction: SortKey["direction"] }
  | { type: "hide"; column: string }
  | { type: "show"; column: string }
  | { type: "widths"; widths: Record<string, number> };

export const emptyView = (): ViewState => ({
  viewId: null,
  filter: null,
  sort: [],
  hiddenColumns: [],
  columnWidths: {},
});

export function fromSaved(view: ViewDto | null): ViewState {
  if (!view) return emptyView();
  const { id, filter, sort, hiddenColumns, columnWidths } = view;
  // Its search is the search box's (searchOf), not a condition of the filter editor.
  return { viewId: id, filter: splitSearch(filter).filter, sort, hiddenColumns, columnWidths };
}

const isSearch = (node: FilterNode): node is FilterNode & { op: "search"; value: string } =>
  !("and" in node) && !("or" in node) && (node as { op?: string }).op === "search";

/**
 * A saved filter without its search, and the search: a view saved with text in the search box
 * holds it as one `search` condition of its top "and" group (or as its only condition).
 */
export function splitSearch(filter: FilterNode | null): { filter: FilterNode | null; q: string } {
  if (filter === null) return { filter, q: "" };
  if (isSearch(filter)) return { filter: null, q: String(filter.value) };
  if (!("and" in filter)) return { filter, q: "" };
  const searches = filter.and.filter(isSearch);
  if (searches.length !== 1) return { filter, q: "" };
  const rest = filter.and.filter((node) => !isSearch(node));
  return {
    filter: rest.length === 0 ? null : rest.length === 1 ? rest[0] : { and: rest },
    q: String(searches[0].value),
  };
}

/** The search a saved view opens with (the search box's text). */
export const searchOf = (view: ViewDto | null) => (view ? splitSearch(view.filter).q : "");

export function viewReducer(state: ViewState, action: ViewAction): ViewState {
  switch (action.type) {
    case "load":
      return fromSaved(action.view);
    case "filter":
      return { ...state, filter: action.filter };
    case "sort":
      return { ...state, sort: action.sort };
    case "sortBy":
      // A header's sort replaces the others: the column clicked decides the order.
      return { ...state, sort: [{ column: action.column, direction: action.direction }] };
    case "hide":
      return state.hiddenColumns.includes(action.column)
        ? state
        : { ...state, hiddenColumns: [...state.hiddenColumns, action.column] };
    case "show":
      return { ...state, hiddenColumns: state.hiddenColumns.filter((key) => key !== action.column) };
    case "widths":
      return { ...state, columnWidths: action.widths };
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Whether the working view differs from the saved one it started from (or from no view). */
export function isDirty(state: ViewState, saved: ViewDto | null, search = ""): boolean {
  const base = fromSaved(saved);
  return (
    search.trim() !== searchOf(saved) ||
    !same(state.filter, base.filter) ||
    !same(state.sort, base.sort) ||
    !same([...state.hiddenColumns].sort(), [...base.hiddenColumns].sort()) ||
    !same(Object.entries(state.columnWidths).sort(), Object.entries(base.columnWidths).sort())
  );
}

/**
 * The parts a saved view stores: its filter and the search box's text as one tree, as POST
 * /enrich takes the view's rows (rowFilterOf; splitSearch takes the search out again).
 */
export const viewParts = ({ filter, sort, hiddenColumns, columnWidths }: ViewState, search = "") => ({
  filter: rowFilterOf({ filter, sort, q: search }),
  sort,
  hiddenColumns,
  columnWidths,
});

/**
 * The working view as the table's columns are now: a column deleted or retyped (here or by
 * someone else) takes the conditions, sorts and settings that named it, as it does from saved
 * views on the server, instead of every read of the rows being refused. The same state when
 * nothing changed.
 */
export function fitColumns(state: ViewState, columns: readonly ViewColumn[]): ViewState {
  const pruned = pruneView(viewParts(state), [...columns]);
  return same(pruned, viewParts(state)) ? state : { ...state, ...pruned };
}

/** Whether the rows of a view can be read with the table's columns as they are (see fitColumns). */
export function viewFits(view: ViewQuery, columns: readonly ViewColumn[]): boolean {
  const parts = { filter: view.filter, sort: view.sort, hiddenColumns: [], columnWidths: {} };
  return same(pruneView(parts, [...columns]), parts);
}
