import type { ColumnDto } from "@/lib/columns/serialize";
import type { FilterCondition, FilterNode } from "@/lib/views/filter-schema";
import { type ColumnOperator, OPERATORS_BY_TYPE } from "@/lib/views/operators";
import { parseBoolean, parseDate, parseNumber } from "@/lib/views/values";

// The filter editor works on one list of column conditions joined by "and" or "or"; the API
// takes any tree (lib/views/filter-schema.ts). Conditions being typed may be incomplete: only
// complete ones are sent. Pure.

export type Join = "and" | "or";
/** One row of the editor: a column condition whose value may still be incomplete. */
export type DraftCondition = { column: string; op: ColumnOperator; value: string };
export type FlatFilter = { join: Join; conditions: DraftCondition[] };

export const needsValue = (op: ColumnOperator) => op !== "is_empty" && op !== "is_not_empty";

const columnOps = new Set<string>(Object.values(OPERATORS_BY_TYPE).flat());

function toDraft(node: FilterNode): DraftCondition | null {
  if ("and" in node || "or" in node) return null;
  const condition = node as FilterCondition;
  if (!("column" in condition) || condition.column === undefined || !columnOps.has(condition.op)) return null;
  const value = "value" in condition ? String(condition.value) : "";
  return { column: condition.column, op: condition.op as ColumnOperator, value };
}

/**
 * The editor's form of a tree, or null when the tree is more than one level of column
 * conditions (nested groups, status or search conditions made through the API).
 */
export function toFlat(tree: FilterNode | null): FlatFilter | null {
  if (tree === null) return { join: "and", conditions: [] };
  const join: Join = "or" in tree ? "or" : "and";
  const nodes = "and" in tree ? tree.and : "or" in tree ? tree.or : [tree];
  const conditions = nodes.map(toDraft);
  return conditions.every((c) => c !== null) ? { join, conditions: conditions as DraftCondition[] } : null;
}

/** "1,000" and "12,345.5": thousands separated by commas (a lone comma is no such number). */
const THOUSANDS = /^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/;
/** How the grid shows dates ("Apr 7, 2013", "April 7 2013"): month name, day, year. */
const SHOWN_DATE = /^([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})$/;
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** A typed number as the API takes it, thousands separators dropped; null when it is none. */
export function typedNumber(text: string): number | null {
  const plain = THOUSANDS.test(text.trim()) ? text.trim().replace(/,/g, "") : text;
  return parseNumber(plain) === null ? null : Number(plain);
}

/** A typed date as the API takes it (ISO), also in the form the grid shows; null when it is none. */
export function typedDate(text: string): string | null {
  if (parseDate(text) !== null) return text;
  const shown = SHOWN_DATE.exec(text.trim());
  const month = shown ? MONTHS.indexOf(shown[1].slice(0, 3).toLowerCase()) : -1;
  if (!shown || month < 0) return null;
  const iso = `${shown[3]}-${String(month + 1).padStart(2, "0")}-${shown[2].padStart(2, "0")}`;
  return parseDate(iso) === null ? null : iso;
}

/** Why a typed value is not one the column's type can compare with (shown under it). */
export function valueHint(dataType: ColumnDto["dataType"]): string {
  return dataType === "date"
    ? "Write a date as 2024-05-01 or May 1, 2024"
    : dataType === "number"
      ? "Write a number as 1000, 1,000 or 12.5"
      : "";
}

/** The value a condition sends, or undefined while it is incomplete for its column's type. */
function valueFor(condition: DraftCondition, column: ColumnDto): string | number | boolean | undefined {
  const text = condition.value;
  switch (column.dataType) {
    case "number":
      return typedNumber(text) ?? undefined;
    case "date":
      return typedDate(text) ?? undefined;
    case "boolean":
      return parseBoolean(text) ?? undefined;
    default:
      return text === "" ? undefined : text;
  }
}

/** The complete conditions as a tree (null when there are none), for the API. */
export function fromFlat(flat: FlatFilter, columns: ColumnDto[]): FilterNode | null {
  const byKey = new Map(columns.map((c) => [c.key, c]));
  const nodes = flat.conditions.flatMap((condition): FilterNode[] => {
    const column = byKey.get(condition.column);
    if (!column || !OPERATORS_BY_TYPE[column.dataType].includes(condition.op)) return [];
    if (!needsValue(condition.op)) return [{ column: condition.column, op: condition.op as "is_empty" }];
    const value = valueFor(condition, column);
    return value === undefined ? [] : [{ column: condition.column, op: condition.op as "eq", value }];
  });
  if (nodes.length === 0) return null;
  if (nodes.length === 1) return nodes[0];
  return flat.join === "and" ? { and: nodes } : { or: nodes };
}

/** A new condition on `column`: the first operator of its type (contains for text). */
export function draftFor(column: ColumnDto, op?: ColumnOperator): DraftCondition {
  const ops = OPERATORS_BY_TYPE[column.dataType];
  return {
    column: column.key,
    op: op && ops.includes(op) ? op : ops[0],
    value: column.dataType === "boolean" ? "true" : "",
  };
}

/** The same condition on another column: the operator kept when it fits, the value kept. */
export function changeColumn(condition: DraftCondition, column: ColumnDto): DraftCondition {
  const ops = OPERATORS_BY_TYPE[column.dataType];
  return { ...draftFor(column), op: ops.includes(condition.op) ? condition.op : ops[0], value: condition.value };
}

/** Whether a draft is sent as it is (it is complete for its column's type). */
export function isComplete(condition: DraftCondition, columns: ColumnDto[]): boolean {
  return fromFlat({ join: "and", conditions: [condition] }, columns) !== null;
}
