import type { FilterNode } from "./filter-schema";

/** The keys of the columns a filter tree names. Pure. */
export function filterColumns(node: FilterNode | null, keys = new Set<string>()): Set<string> {
  if (node === null) return keys;
  if ("and" in node) for (const child of node.and) filterColumns(child, keys);
  else if ("or" in node) for (const child of node.or) filterColumns(child, keys);
  else if ("column" in node && node.column !== undefined) keys.add(node.column);
  return keys;
}
