import "server-only";
import { placeholdersOf } from "../providers/adapters/http-spec";
import { adapterInfo } from "../providers/catalog";
import type { Recipe } from "../providers/recipe";
import type { InputName } from "../providers/types";
import type { SqlParams } from "../sql";
import { cacheKeySql, normalisedValueSql } from "./cache-key";

// The SQL half of the estimate: for one enriched column, every selected row reduced to three
// bit masks over the column's waterfall (which providers can run with the row's inputs, which
// have a cached answer, which of those found something) and counted per combination. One
// statement per column whatever the number of rows; the arithmetic on the few combinations
// is done in JS (estimate.ts). Mirrors the planner's rules (lib/enrichment/waterfall/plan.ts).

/** SQL true when `provider` can run for the row: one of its input sets is mapped and filled. */
export function runnableSql(provider: string, recipe: Recipe, rawValue: (columnKey: string) => string): string {
  const filled = (key: string) => `(NULLIF(btrim(${rawValue(key)}), '') IS NOT NULL)`;
  const mapped = (input: string) =>
    Object.hasOwn(recipe.inputs, input) ? (recipe.inputs as Record<string, string | undefined>)[input] : undefined;
  if (provider === "http") {
    const keys = recipe.http ? placeholdersOf(recipe.http) : [];
    return keys.length === 0 ? "true" : `(${keys.map((k) => filled(k)).join(" AND ")})`;
  }
  const sets = (adapterInfo(provider)?.requires ?? []).filter((set) => set.every((input) => mapped(input)));
  if (sets.length === 0) return (adapterInfo(provider)?.requires.length ?? 0) > 0 ? "false" : "true";
  return `(${sets.map((set) => `(${set.map((input) => filled(mapped(input) as string)).join(" AND ")})`).join(" OR ")})`;
}

export type MaskRow = { runnable: number; cachedFound: number; cachedAny: number; n: number };

/**
 * The statement counting a column's selected rows by mask. `rowWhere` selects the rows (alias
 * r); `cached` lists the providers whose cache is consulted (those with entries in the
 * workspace). Each row's cache keys are computed once in a materialised scan, then hash-joined
 * with the workspace's fresh entries of each provider: no per-row index probes.
 */
export function maskStatement({
  recipe,
  rowWhere,
  params,
  workspaceId,
  cached,
}: {
  recipe: Recipe;
  rowWhere: string;
  params: SqlParams;
  workspaceId: string;
  cached: Set<string>;
}): string {
  let workspace: string | undefined;
  const workspaceParam = () => {
    workspace ??= params.add(workspaceId, "text");
    return workspace;
  };
  let minConfidence: string | undefined;
  const threshold = () => {
    minConfidence ??= params.add(recipe.stopWhen.minConfidence, "float8");
    return minConfidence;
  };
  const mapped = (input: InputName) =>
    Object.hasOwn(recipe.inputs, input) ? (recipe.inputs as Record<string, string | undefined>)[input] : undefined;
  // Each column the statement reads is read (and normalised) once per row, in a fenced
  // subquery (OFFSET 0 keeps Postgres from folding the expressions back into every use).
  const columnIndex = new Map<string, number>();
  const column = (key: string) => {
    let index = columnIndex.get(key);
    if (index === undefined) {
      index = columnIndex.size;
      columnIndex.set(key, index);
    }
    return index;
  };
  const raw = (key: string) => `v.c${column(key)}`;
  const normalised = (key: string) => `v.n${column(key)}`;
  const runnable: string[] = [];
  const keys: string[] = [];
  const ctes: string[] = [];
  const joins: string[] = [];
  const found: string[] = [];
  const any: string[] = [];
  recipe.providers.forEach((provider, i) => {
    const can = runnableSql(provider, recipe, raw);
    runnable.push(`(CASE WHEN ${can} THEN ${1 << i} ELSE 0 END)`);
    if (!cached.has(provider)) return;
    const key = cacheKeySql(provider, recipe.field, mapped, normalised, (value) => params.add(value, "text"));
    keys.push(`CASE WHEN ${can} THEN ${key} END AS k${i}`);
    // Materialised: joined by hash on the computed key, never probed row by row.
    ctes.push(`c${i} AS MATERIALIZED (
      SELECT key, result ->> 'outcome' AS outcome, (result ->> 'confidence')::float8 AS confidence FROM provider_cache
       WHERE workspace_id = ${workspaceParam()} AND provider = ${params.add(provider, "text")}
         AND state = 'ready' AND expires_at > now())`);
    joins.push(`LEFT JOIN c${i} ON c${i}.key = sel.k${i}`);
    // A cached answer ends the waterfall only at the recipe's threshold, as in a run (meetsThreshold).
    found.push(
      `(CASE WHEN c${i}.outcome = 'found' AND COALESCE(c${i}.confidence, 0) >= ${threshold()} THEN ${1 << i} ELSE 0 END)`,
    );
    any.push(`(CASE WHEN c${i}.outcome IS NOT NULL THEN ${1 << i} ELSE 0 END)`);
  });
  const select = [`${runnable.join(" + ") || "0"} AS runnable`, ...keys].join(", ");
  const values = [...columnIndex].flatMap(([key, i]) => {
    const value = `r.data ->> ${params.add(key, "text")}`;
    return [`${value} AS c${i}`, `${normalisedValueSql(value)} AS n${i}`];
  });
  return `
    WITH sel AS (
      SELECT ${select} FROM (SELECT ${values.join(", ") || "1 AS c"} FROM rows r WHERE ${rowWhere} OFFSET 0) v
    )${ctes.map((c) => `, ${c}`).join("")}
    SELECT sel.runnable, ${found.join(" + ") || "0"} AS "cachedFound", ${any.join(" + ") || "0"} AS "cachedAny",
           count(*)::int AS n
      FROM sel ${joins.join(" ")}
     GROUP BY 1, 2, 3`;
}
