import type { FilterNode, SortKey } from "./filter-schema";
import { resolveFilter, type ViewColumn } from "./resolve";

// A saved view after its table's columns changed: a deleted column, or a column whose type no
// longer fits a condition (e.g. "employees > 100" once employees is text), leaves every part of
// the view that names it. A group that loses all its conditions goes too, and a filter left
// with nothing is no filter. Pure.

export type ViewParts = {
  filter: FilterNode | null;
  sort: SortKey[];
  hiddenColumns: string[];
  columnWidths: Record<string, number>;
};

function fits(node: FilterNode, columns: ViewColumn[]) {
  try {
    resolveFilter(node, columns, "filter");
    return true;
  } catch {
    return false;
  }
}

function pruneNode(node: FilterNode, columns: ViewColumn[]): FilterNode | null {
  if ("and" in node || "or" in node) {
    const kind = "and" in node ? "and" : "or";
    const kept = ("and" in node ? node.and : node.or).flatMap((child) => {
      const pruned = pruneNode(child, columns);
      return pruned ? [pruned] : [];
    });
    if (kept.length === 0) return null;
    return kind === "and" ? { and: kept } : { or: kept };
  }
  return fits(node, columns) ? node : null;
}

export function pruneView(view: ViewParts, columns: ViewColumn[]): ViewParts {
  const keys = new Set(columns.map((c) => c.key));
  return {
    filter: view.filter ? pruneNode(view.filter, columns) : null,
    sort: view.sort.filter((s) => keys.has(s.column)),
    hiddenColumns: view.hiddenColumns.filter((key) => keys.has(key)),
    columnWidths: Object.fromEntries(Object.entries(view.columnWidths).filter(([key]) => keys.has(key))),
  };
}
