import { invalid } from "../errors";
import type { CELL_STATUSES, FilterNode, ROW_STATUSES, SortKey } from "./filter-schema";
import { type ColumnOperator, type DataType, OPERATORS_BY_TYPE, operatorFits } from "./operators";
import { parseBoolean, parseDate, parseNumber } from "./values";

// A filter tree and sort keys checked against the table's columns: every column key is one of
// the table's, every operator fits its column's type, every value parses for it. What comes
// out names columns by id and key and carries typed values, ready for compile-filter.ts.
// Problems are collected with their paths and thrown as one 422.

export type ViewColumn = { id: string; key: string; dataType: DataType };

type Compare = "eq" | "neq" | "gt" | "gte" | "lt" | "lte";

export type ResolvedFilter =
  | { kind: "and" | "or"; nodes: ResolvedFilter[] }
  | { kind: "empty"; column: ViewColumn; empty: boolean }
  | { kind: "text"; column: ViewColumn; op: "eq" | "neq" | "contains" | "starts_with"; value: string }
  | { kind: "number"; column: ViewColumn; op: Compare; value: string }
  | { kind: "date"; column: ViewColumn; op: Compare; value: string; wholeDay: boolean }
  | { kind: "boolean"; column: ViewColumn; op: "eq" | "neq"; value: boolean }
  | { kind: "cell_status"; column: ViewColumn; value: (typeof CELL_STATUSES)[number] }
  | { kind: "row_status"; value: (typeof ROW_STATUSES)[number] }
  | { kind: "confidence"; column: ViewColumn | null; below: number }
  | { kind: "search"; value: string };

export type ResolvedSort = { column: ViewColumn; direction: "asc" | "desc" };

type Detail = { path: string; message: string };

const join = (path: (string | number)[]) => path.join(".");

function resolveNode(
  node: FilterNode,
  path: (string | number)[],
  columns: Map<string, ViewColumn>,
  problems: Detail[],
): ResolvedFilter | null {
  if ("and" in node || "or" in node) {
    const kind = "and" in node ? "and" : "or";
    const children = "and" in node ? node.and : node.or;
    const nodes = children.map((child, i) => resolveNode(child, [...path, kind, i], columns, problems));
    return nodes.every((n) => n !== null) ? { kind, nodes: nodes as ResolvedFilter[] } : null;
  }
  if (node.op === "row_status_is") return { kind: "row_status", value: node.value };
  if (node.op === "search") return { kind: "search", value: node.value };
  const key = node.column;
  const column = key === undefined ? null : columns.get(key);
  if (column === undefined) {
    problems.push({ path: join([...path, "column"]), message: `unknown column "${key}"` });
    return null;
  }
  if (node.op === "confidence_below") return { kind: "confidence", column, below: node.value };
  if (column === null) return null; // every other condition requires a column (the schema says so)
  if (node.op === "cell_status_is") return { kind: "cell_status", column, value: node.value };
  const op: ColumnOperator = node.op;
  if (!operatorFits(column.dataType, op)) {
    problems.push({
      path: join([...path, "op"]),
      message: `"${op}" does not apply to ${column.dataType} column "${column.key}"; use one of ${OPERATORS_BY_TYPE[column.dataType].join(", ")}`,
    });
    return null;
  }
  if (op === "is_empty" || op === "is_not_empty") return { kind: "empty", column, empty: op === "is_empty" };
  const value = "value" in node ? node.value : undefined;
  const bad = (expected: string) => {
    problems.push({
      path: join([...path, "value"]),
      message: `expected ${expected} for ${column.dataType} column "${column.key}"`,
    });
    return null;
  };
  switch (column.dataType) {
    case "number": {
      const number = parseNumber(value);
      return number === null ? bad("a number") : { kind: "number", column, op: op as Compare, value: number };
    }
    case "date": {
      const date = parseDate(value);
      return date === null
        ? bad("an ISO 8601 date such as 2024-05-01 or 2024-05-01T10:30:00Z")
        : { kind: "date", column, op: op as Compare, value: date.text, wholeDay: date.wholeDay };
    }
    case "boolean": {
      const flag = parseBoolean(value);
      return flag === null ? bad("true or false") : { kind: "boolean", column, op: op as "eq" | "neq", value: flag };
    }
    default:
      if (typeof value === "boolean") return bad("text or a number");
      return { kind: "text", column, op: op as "eq" | "neq" | "contains" | "starts_with", value: String(value) };
  }
}

const byKey = (columns: ViewColumn[]) => new Map(columns.map((c) => [c.key, c]));

/** The filter against the table's columns, or a 422 naming every problem under `name`. */
export function resolveFilter(filter: FilterNode, columns: ViewColumn[], name: string): ResolvedFilter {
  const problems: Detail[] = [];
  const resolved = resolveNode(filter, [name], byKey(columns), problems);
  if (!resolved || problems.length > 0) throw invalid(`The ${name} does not fit this table's columns`, problems);
  return resolved;
}

/** Sort keys against the table's columns, or a 422 naming the unknown ones. */
export function resolveSort(keys: SortKey[], columns: ViewColumn[], name = "sort"): ResolvedSort[] {
  const map = byKey(columns);
  const problems: Detail[] = [];
  const resolved = keys.flatMap((key, i) => {
    const column = map.get(key.column);
    if (!column) problems.push({ path: `${name}.${i}`, message: `unknown column "${key.column}"` });
    return column ? [{ column, direction: key.direction }] : [];
  });
  if (problems.length > 0) throw invalid(`The ${name} does not fit this table's columns`, problems);
  return resolved;
}
