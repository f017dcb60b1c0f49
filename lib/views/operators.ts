import type { ColumnDto } from "../columns/serialize";

// Which comparison operators fit which column type, and how people read them. One table for
// the API's validation (lib/views/resolve.ts) and the grid's filter editor. Pure.

export type DataType = ColumnDto["dataType"];
export type ColumnOperator =
  | "eq"
  | "neq"
  | "contains"
  | "starts_with"
  | "gt"
  | "gte"
  | "lt"
  | "lte"
  | "is_empty"
  | "is_not_empty";

const TEXT: ColumnOperator[] = ["contains", "eq", "neq", "starts_with", "is_empty", "is_not_empty"];
const ORDERED: ColumnOperator[] = ["eq", "neq", "gt", "gte", "lt", "lte", "is_empty", "is_not_empty"];

export const OPERATORS_BY_TYPE: Record<DataType, ColumnOperator[]> = {
  text: TEXT,
  url: TEXT,
  email: TEXT,
  number: ORDERED,
  date: ORDERED,
  boolean: ["eq", "neq", "is_empty", "is_not_empty"],
};

export const OPERATOR_LABELS: Record<ColumnOperator, string> = {
  eq: "is",
  neq: "is not",
  contains: "contains",
  starts_with: "starts with",
  gt: "is greater than",
  gte: "is at least",
  lt: "is less than",
  lte: "is at most",
  is_empty: "is empty",
  is_not_empty: "is not empty",
};

/** Date columns read the ordering operators as before/after. */
export const DATE_OPERATOR_LABELS: Partial<Record<ColumnOperator, string>> = {
  gt: "is after",
  gte: "is on or after",
  lt: "is before",
  lte: "is on or before",
};

export const operatorFits = (dataType: DataType, op: ColumnOperator) => OPERATORS_BY_TYPE[dataType].includes(op);

export const operatorLabel = (dataType: DataType, op: ColumnOperator) =>
  (dataType === "date" ? DATE_OPERATOR_LABELS[op] : undefined) ?? OPERATOR_LABELS[op];
