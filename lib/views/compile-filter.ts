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
 * SQL: the row's values contain `text` (folded). The optional trigram index answers it when the
 * text has three letters or digits in a row; shorter text would make Postgres read the whole
 * index, so its expression is written so that the index does not match it (`|| ''`).
 */
const searchOf = (row: string, params: SqlParams, text: string) =>
  `${usesTrigrams(text) ? `glaze_search_text(${row}.data)` : `(glaze_search_text(${row}.data) || '')`} LIKE glaze_fold(${params.add(searchPattern(text), "text")})`;

/** How to compile: `searchIndex` when the optional trigram index exists (lib/views/search-index.ts). */
export type CompileOptions = { searchIndex: boolean };

/**
 * A text condition on a column. `eq` is found through the value index. Other conditions, when
 * the optional trigram index exists and can use it, search the same text in the whole row
 * first: a value containing the text implies the row's values do, so the extra condition never
 * changes the answer, and it lets Postgres read only the rows that might match.
 */
function textCondition(
  row: string,
  params: SqlParams,
  node: Extract<ResolvedFilter, { kind: "text" }>,
  options: CompileOptions,
) {
  const k = key(params, node.column);
  const value = textOf(row, k);
  if (node.op === "eq") {
    const wanted = params.add(node.value, "text");
    // The value index (migration value_index) holds "key=" and the first 200 folded
    // characters of each value: it finds the candidates (fewer than the trigram index would),
    // the comparison decides.
    return `(glaze_value_keys(${row}.data) @> ARRAY[${k} || '=' || left(glaze_fold(${wanted}), 200)] AND glaze_fold(${value}) = glaze_fold(${wanted}))`;
  }
  const condition =
    node.op === "contains"
      ? `glaze_fold(${value}) LIKE glaze_fold(${params.add(containsPattern(node.value), "text")})`
      : node.op === "starts_with"
        ? `glaze_fold(${value}) LIKE glaze_fold(${params.add(startsWithPattern(node.value), "text")})`
        : `glaze_fold(${value}) ${COMPARE[node.op]} glaze_fold(${params.add(node.value, "text")})`;
  return options.searchIndex && node.op !== "neq" && usesTrigrams(node.value)
    ? `(${searchOf(row, params, node.value)} AND ${condition})`
    : condition;
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

export function compileFilter(
  node: ResolvedFilter,
  params: SqlParams,
  row = "r",
  options: CompileOptions = { searchIndex: false },
): string {
  switch (node.kind) {
    case "and":
    case "or":
      return `(${node.nodes.map((n) => compileFilter(n, params, row, options)).join(node.kind === "and" ? " AND " : " OR ")})`;
    case "empty":
      return `${textOf(row, key(params, node.column))} IS ${node.empty ? "" : "NOT "}NULL`;
    case "text":
      return textCondition(row, params, node, options);
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
      return searchOf(row, params, node.value);
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
