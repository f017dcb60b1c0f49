import "server-only";
import { cellConfidenceOf, cellStatusOf } from "../enrichment/store/cell-states";
import type { SqlParams } from "../sql";
import { containsPattern, searchPattern, startsWithPattern, usesTrigrams } from "./like";
import type { ResolvedFilter, ResolvedSort, ViewColumn } from "./resolve";

// A resolved filter → a boolean SQL expression over a row of `rows` (aliased `row`), and sort
// keys → typed expressions. Every value and column key is a parameter; only operators and
// function names are SQL text. Typed reads (glaze_to_number, glaze_to_timestamp,
// glaze_to_boolean, from the views migration) are NULL for values that do not parse, so such
// values never match a comparison and sort last. "Empty" is absent, null or "".

const COMPARE = { eq: "=", neq: "<>", gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;

const key = (params: SqlParams, column: ViewColumn) => params.add(column.key, "text");
const textOf = (row: string, k: string) => `NULLIF(${row}.data ->> ${k}, '')`;

/**
 * SQL: the row_search entry `s` (migration row_search: each row's values as one folded text,
 * keyed by the row's table and position) contains `text` (folded). Its trigram index answers
 * this when the text has three letters or digits in a row; for shorter text Postgres would read
 * the whole index, so the expression is written so that the index does not match it
 * (`|| ''`) and the table's entries are read instead.
 */
export const searchMatch = (params: SqlParams, text: string, tableId: string, s = "s") =>
  `${s}.table_id = ${params.add(tableId, "uuid")} AND ${usesTrigrams(text) ? `${s}.text` : `(${s}.text || '')`} LIKE glaze_fold(${params.add(searchPattern(text), "text")})`;

/**
 * SQL: the row's values contain `text`. The table id is a parameter, not the row's column, so
 * that the subquery runs once, not once per row.
 */
const searchOf = (row: string, params: SqlParams, text: string, options: CompileOptions) =>
  `${row}.position IN (SELECT s.position FROM row_search s WHERE ${searchMatch(params, text, options.tableId)})`;

/** What compiling needs besides the filter: the table whose rows `row` ranges over. */
export type CompileOptions = { tableId: string };

/**
 * A text condition on a column. `eq` is found through the value index. `contains` and
 * `starts_with` compare each row's value: asking row_search first (a value containing the text
 * implies the row's values do) read a selective condition's rows only, but Postgres cannot
 * estimate how many rows either side matches, and for broad conditions it chose to check every
 * matching row in row_search as well (685 ms against ~350 ms at 1,000,000 rows, bench/README.md).
 */
function textCondition(row: string, params: SqlParams, node: Extract<ResolvedFilter, { kind: "text" }>) {
  const k = key(params, node.column);
  const value = textOf(row, k);
  if (node.op === "eq") {
    const param = params.add(node.value, "text");
    const wanted = `glaze_fold(${param})`;
    // The value index (migration value_index) holds each row's values folded: a row that
    // matches holds this value as the folded string or, when it reads as JSON (a number,
    // true/false, an object), as that JSON value. It finds the candidates; the comparison decides.
    const folded = `glaze_folded_data(${row}.data)`;
    const candidates = [`${folded} @> jsonb_build_object(${k}, ${wanted})`];
    if (readsAsJsonValue(node.value)) candidates.push(`${folded} @> jsonb_build_object(${k}, ${wanted}::jsonb)`);
    return `((${candidates.join(" OR ")}) AND glaze_fold(${value}) = ${wanted})`;
  }
  return node.op === "contains"
    ? `glaze_fold(${value}) LIKE glaze_fold(${params.add(containsPattern(node.value), "text")})`
    : node.op === "starts_with"
      ? `glaze_fold(${value}) LIKE glaze_fold(${params.add(startsWithPattern(node.value), "text")})`
      : `glaze_fold(${value}) ${COMPARE[node.op]} glaze_fold(${params.add(node.value, "text")})`;
}

/**
 * Whether an `eq` value, folded, is a JSON value other than a string that a stored value could
 * print as (`data ->> key` of a number is its digits, of true/false the word, of an object or
 * array its JSON text). The statement casts it to jsonb when it is planned, so it must be one
 * Postgres reads; the texts left out (an exponent, a \u0000 or surrogate escape) are never
 * how Postgres prints a stored value, so no row could match them but as a string.
 */
function readsAsJsonValue(value: string): boolean {
  const lower = value.toLowerCase();
  if (/^-?(0|[1-9]\d{0,999})(\.\d{1,1000})?$/.test(lower) || lower === "true" || lower === "false") return true;
  if (!/^[[{]/.test(lower) || /(^|[^\\])(\\\\)*\\u(0000|d[89a-f])/.test(lower)) return false;
  if (/\de/.test(lower.replace(/"(?:[^"\\]|\\.)*"/g, '""'))) return false;
  try {
    const parsed: unknown = JSON.parse(lower);
    return typeof parsed === "object" && parsed !== null;
  } catch {
    return false;
  }
}

/** A date condition; a whole day (2024-05-01) stands for every moment of that UTC day. */
function dateCondition(row: string, params: SqlParams, node: Extract<ResolvedFilter, { kind: "date" }>) {
  const value = `glaze_to_timestamp(${row}.data -> ${key(params, node.column)})`;
  const start = `glaze_parse_timestamp(${params.add(node.value, "text")})`;
  if (!node.wholeDay) return `${value} ${COMPARE[node.op]} ${start}`;
  const end = `(${start} + interval '1 day')`;
  switch (node.op) {
    case "eq":
      return `(${value} >= ${start} AND ${value} < ${end})`;
    case "neq":
      return `(${value} < ${start} OR ${value} >= ${end})`;
    case "gt":
      return `${value} >= ${end}`;
    case "gte":
      return `${value} >= ${start}`;
    case "lt":
      return `${value} < ${start}`;
    case "lte":
      return `${value} < ${end}`;
  }
}

export function compileFilter(node: ResolvedFilter, params: SqlParams, row: string, options: CompileOptions): string {
  switch (node.kind) {
    case "and":
    case "or":
      return `(${node.nodes.map((n) => compileFilter(n, params, row, options)).join(node.kind === "and" ? " AND " : " OR ")})`;
    case "empty":
      return `${textOf(row, key(params, node.column))} IS ${node.empty ? "" : "NOT "}NULL`;
    case "text":
      return textCondition(row, params, node);
    case "number":
      return `glaze_to_number(${row}.data -> ${key(params, node.column)}) ${COMPARE[node.op]} ${params.add(node.value, "numeric")}`;
    case "date":
      return dateCondition(row, params, node);
    case "boolean":
      return `glaze_to_boolean(${row}.data -> ${key(params, node.column)}) ${COMPARE[node.op]} ${params.add(node.value, "boolean")}`;
    case "cell_status":
      return `${cellStatusOf(row, params.add(node.column.id, "text"))} = ${params.add(node.value, "text")}`;
    case "row_status":
      return `${row}.status = ${params.add(node.value, "text")}::"RowStatus"`;
    case "confidence": {
      const confidence = node.column ? cellConfidenceOf(row, params.add(node.column.id, "text")) : `${row}.confidence`;
      return `${confidence} < ${params.add(node.below, "double precision")}`;
    }
    case "search":
      return searchOf(row, params, node.value, options);
  }
}

/** SQL: the typed value a column sorts by (NULL when empty or unparseable: it sorts last). */
export function sortValue(sort: ResolvedSort, params: SqlParams, row = "r"): string {
  const k = key(params, sort.column);
  switch (sort.column.dataType) {
    case "number":
      return `glaze_to_number(${row}.data -> ${k})`;
    case "date":
      return `glaze_to_timestamp(${row}.data -> ${k})`;
    case "boolean":
      return `glaze_to_boolean(${row}.data -> ${k})`;
    default:
      return `glaze_fold(${textOf(row, k)})`;
  }
}
