import { z } from "zod";
import { storableString } from "../api/text";

// The filter tree of a view, of GET /rows?filter= and of POST /enrich's rowFilter:
//   { "and": [node, …] } | { "or": [node, …] } | condition
// Conditions name their column by key. This schema checks the shape only; lib/views/resolve.ts
// checks it against the table's columns (unknown keys, operators that do not fit the column's
// type, values that do not parse for it). Pure: the grid builds and reads the same trees.

export const VALUE_OPERATORS = ["eq", "neq", "contains", "starts_with", "gt", "gte", "lt", "lte"] as const;
export const EMPTINESS_OPERATORS = ["is_empty", "is_not_empty"] as const;
/** A cell's status: its latest task's, or idle when it has never been enriched. */
export const CELL_STATUSES = ["idle", "queued", "running", "done", "failed", "cancelled", "skipped"] as const;
export const ROW_STATUSES = ["idle", "queued", "running", "done", "failed", "ambiguous"] as const;

/** Limits that keep one filter cheap to compile and to plan. */
export const MAX_FILTER_DEPTH = 6;
export const MAX_FILTER_CONDITIONS = 50;
export const MAX_FILTER_TEXT = 1_000;
export const MAX_SEARCH_TEXT = 200;

const column = z.string().min(1).max(100).describe("Column key");
const scalar = z.union([storableString().max(MAX_FILTER_TEXT), z.number(), z.boolean()], {
  error: (issue) => (issue.code === "invalid_union" ? "expected text, a number or true/false" : undefined),
});

export const filterCondition = z.discriminatedUnion("op", [
  z.strictObject({
    column,
    op: z.enum(VALUE_OPERATORS),
    value: scalar.describe("Compared as the column's type: number, date (ISO 8601), true/false or text"),
  }),
  z.strictObject({ column, op: z.enum(EMPTINESS_OPERATORS) }),
  z.strictObject({ column, op: z.literal("cell_status_is"), value: z.enum(CELL_STATUSES) }),
  z.strictObject({ op: z.literal("row_status_is"), value: z.enum(ROW_STATUSES) }),
  z.strictObject({
    column: column.optional().describe("A cell's confidence; without it, the row's (the mean of its done cells)"),
    op: z.literal("confidence_below"),
    value: z.number().min(0).max(1),
  }),
  z.strictObject({
    op: z.literal("search"),
    value: storableString().min(1).max(MAX_SEARCH_TEXT).describe("Text found in any of the row's values"),
  }),
]);
export type FilterCondition = z.output<typeof filterCondition>;
export type FilterNode = { and: FilterNode[] } | { or: FilterNode[] } | FilterCondition;

type Issue = { path: (string | number)[]; message: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Walks the tree and reports every problem with its path. A group is an object with exactly
 * one key, "and" or "or"; anything else is a condition. (A zod union would only say "Invalid
 * input" at the root; this names the node at fault.)
 */
function check(value: unknown, path: (string | number)[], depth: number, issues: Issue[], count: { n: number }) {
  if (!isObject(value)) {
    issues.push({ path, message: 'expected a group ({ "and": [...] } or { "or": [...] }) or a condition' });
    return;
  }
  const group = Object.hasOwn(value, "and") ? "and" : Object.hasOwn(value, "or") ? "or" : undefined;
  if (group) {
    const extra = Object.keys(value).filter((k) => k !== group);
    if (extra.length > 0)
      issues.push({ path, message: `a group has one key, "and" or "or"; also found: ${extra.join(", ")}` });
    const nodes = value[group];
    if (!Array.isArray(nodes) || nodes.length === 0) {
      issues.push({ path: [...path, group], message: "expected a non-empty array of nodes" });
      return;
    }
    if (depth >= MAX_FILTER_DEPTH) {
      issues.push({ path, message: `groups nest at most ${MAX_FILTER_DEPTH} deep` });
      return;
    }
    for (const [i, node] of nodes.entries()) check(node, [...path, group, i], depth + 1, issues, count);
    return;
  }
  if (!Object.hasOwn(value, "op")) {
    const keys = Object.keys(value);
    const found =
      keys.length === 0
        ? "an empty object"
        : `keys ${keys
            .slice(0, 5)
            .map((k) => JSON.stringify(k.slice(0, 40)))
            .join(", ")}${keys.length > 5 ? ", …" : ""}`;
    issues.push({
      path,
      message: `expected a group ({ "and": [...] } or { "or": [...] }) or a condition ({ "column": key, "op": operator, "value": ... }); found ${found}`,
    });
    return;
  }
  count.n++;
  if (count.n === MAX_FILTER_CONDITIONS + 1)
    issues.push({ path, message: `at most ${MAX_FILTER_CONDITIONS} conditions` });
  const parsed = filterCondition.safeParse(value);
  if (!parsed.success)
    for (const issue of parsed.error.issues)
      issues.push({
        path: [...path, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))],
        message: issue.message,
      });
}

/** A filter tree (shape only; see lib/views/resolve.ts for the table's columns). */
export const filterTree = z.unknown().transform((value, ctx): FilterNode => {
  const issues: Issue[] = [];
  check(value, [], 0, issues, { n: 0 });
  for (const issue of issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
  return issues.length > 0 ? z.NEVER : (value as FilterNode);
});

/** The `filter` query parameter: a filter tree as URL-encoded JSON. */
export const filterParam = z
  .string()
  .max(16_384, "must be at most 16,384 characters")
  .transform((text, ctx): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      ctx.addIssue({ code: "custom", message: "must be a filter tree as JSON" });
      return z.NEVER;
    }
  })
  .pipe(filterTree);

export const SORT_DIRECTIONS = ["asc", "desc"] as const;
export const MAX_SORT_KEYS = 8;

export const sortKey = z.strictObject({
  column: column,
  direction: z.enum(SORT_DIRECTIONS).default("asc"),
});
export type SortKey = z.output<typeof sortKey>;

export const sortList = z
  .array(sortKey)
  .max(MAX_SORT_KEYS, `sort by at most ${MAX_SORT_KEYS} columns`)
  .superRefine((keys, ctx) => {
    const seen = new Set<string>();
    keys.forEach((key, i) => {
      if (seen.has(key.column))
        ctx.addIssue({ code: "custom", path: [i, "column"], message: "the same column is sorted twice" });
      seen.add(key.column);
    });
  });

/** The `sort` query parameter: `company:asc,email:desc` (direction defaults to asc). */
export const sortParam = z
  .string()
  .max(1_000)
  .transform((text, ctx): unknown => {
    const keys = text === "" ? [] : text.split(",");
    return keys.map((part, i) => {
      const match = /^([^:]+?)\s*(?::\s*(asc|desc))?$/.exec(part.trim());
      if (!match) {
        ctx.addIssue({ code: "custom", path: [i], message: `"${part}" is not column or column:asc or column:desc` });
        return { column: part, direction: "asc" };
      }
      return { column: match[1], direction: match[2] ?? "asc" };
    });
  })
  .pipe(sortList);

/** `sort` as the query parameter writes it. */
export const sortToParam = (keys: SortKey[]) => keys.map((k) => `${k.column}:${k.direction}`).join(",");

/** The `q` query parameter: text searched in every value of the row. */
export const searchParam = storableString().max(MAX_SEARCH_TEXT, `must be at most ${MAX_SEARCH_TEXT} characters`);

/**
 * A filter and a search `q` as one tree: the search is one more condition of an "and" (the
 * rows GET /rows?filter=&q= reads, POST /enrich's rowFilter for a view, a view saved with its
 * search). Null for neither.
 */
export function filterWithSearch(filter: FilterNode | null | undefined, q: string | undefined): FilterNode | null {
  const text = q?.trim() ?? "";
  const search: FilterNode | null = text === "" ? null : { op: "search", value: text };
  if (filter && search) return { and: [filter, search] };
  return filter ?? search;
}
