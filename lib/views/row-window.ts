import "server-only";
import { getPool } from "../db";
import { invalid, notFound } from "../errors";
import { ROW_COLUMNS, type RowRecord } from "../rows/serialize";
import { SqlParams } from "../sql";
import { compileFilter, searchMatch, sortValue } from "./compile-filter";
import { usesTrigrams } from "./like";
import type { ResolvedFilter, ResolvedSort } from "./resolve";

// One window of a view (a filter, a sort, or both) and the view's exact row count, in one
// statement and one pass over the table's rows: the matching rows' positions and sort values
// are collected once (MATERIALIZED), counted, and the window is cut from them; only the
// window's rows are then read whole. The order is the sort keys (empty and unparseable values
// last in either direction), then `position`, so ties keep the table's order and every row has
// one place. bench/README.md ("Views") has the plans.

export type WindowRequest = {
  tableId: string;
  filter: ResolvedFilter | null;
  sort: ResolvedSort[];
  offset: number;
  limit: number;
  /** Keyset paging: rows after the row at this position, in the view's order. */
  after?: number;
};

type WindowRow = RowRecord & { total: number; cursorFound: boolean | null };

/** SQL: a sort key's direction in a view's order (empty and unparseable values last either way). */
export const sortDirection = (s: ResolvedSort) => (s.direction === "desc" ? "DESC NULLS LAST" : "ASC NULLS LAST");

/**
 * SQL: row `m` comes after cursor row `c` in the view's order. Key by key: strictly after on
 * this key (an empty value comes after every value, in either direction), or equal on it and
 * after on the next ones; equal on every key, a higher position.
 */
function afterCursor(sort: ResolvedSort[], i = 0): string {
  if (i === sort.length) return "m.p > c.p";
  const [k, beyond] = [`m.k${i}`, sort[i].direction === "desc" ? "<" : ">"];
  const c = `c.k${i}`;
  return `((${c} IS NOT NULL AND (${k} ${beyond} ${c} OR ${k} IS NULL)) OR (${k} IS NOT DISTINCT FROM ${c} AND ${afterCursor(sort, i + 1)}))`;
}

/**
 * The whole row at position `p` of table $1, for each row of a window: a lateral subquery that
 * cannot be pulled up into a join (OFFSET 0), so `p` is one of its index conditions whatever the
 * statistics say. As a join, a table imported since the last ANALYZE (estimated at one row) got
 * a plan that scanned all of the table's rows for each row of the window, with `position` as a
 * join filter: 200 × 1,000,000 rows read for a window that takes 0.2 s
 * (tests/lib/query-plans.test.ts).
 */
const rowAt = (p: string) => `(SELECT * FROM rows r WHERE r.table_id = $1::uuid AND r.position = ${p} OFFSET 0) r`;

/** readPlainWindow's window: $1 table, $2 after this position, $3 offset, $4 limit. */
export const PLAIN_WINDOW = `SELECT ${ROW_COLUMNS}
  FROM (SELECT position FROM rows WHERE table_id = $1::uuid AND position > $2::bigint
         ORDER BY position OFFSET $3 LIMIT $4) w
  CROSS JOIN LATERAL ${rowAt("w.position")}
 ORDER BY r.position`;

/**
 * A search alone for text too short for trigrams (one or two letters): it matches much of the
 * table, every entry of which is read anyway. Counted on its own (in parallel where Postgres
 * chooses), with the window read in row_search's key order, which stops once the window is
 * full, instead of collecting every match's position first: 'ce' at 1,000,000 rows (500,000
 * matches) ~370 against ~480 ms warm, 'e' (every row) ~300 against ~400 ms. Text with trigrams
 * keeps the collected form, which reads the index once instead of twice (bench/README.md,
 * "2026-12-04").
 */
function shortSearchStatement(request: WindowRequest, text: string) {
  const { tableId, offset, limit, after } = request;
  const params = new SqlParams([tableId]);
  const keyset = after === undefined ? "" : ` AND s.position > ${params.add(after, "bigint")}`;
  const statement = `SELECT t.total, NULL::boolean AS "cursorFound", ${ROW_COLUMNS}
      FROM (SELECT count(*)::int AS total FROM row_search s WHERE ${searchMatch(params, text, tableId)}) t
      LEFT JOIN ((SELECT s.position AS p FROM row_search s WHERE ${searchMatch(params, text, tableId)}${keyset}
                   ORDER BY s.position OFFSET ${params.add(offset, "bigint")} LIMIT ${params.add(limit, "bigint")}) w
                 CROSS JOIN LATERAL ${rowAt("w.p")}) ON true
     ORDER BY w.p`;
  return { text: statement, values: params.values, cursor: false };
}

/** The statement readWindow runs (bench/views.bench.ts EXPLAINs it as it is). */
export function windowStatement(request: WindowRequest): { text: string; values: unknown[]; cursor: boolean } {
  const { tableId, filter, sort, offset, limit, after } = request;
  if (filter?.kind === "search" && sort.length === 0 && !usesTrigrams(filter.value)) {
    return shortSearchStatement(request, filter.value);
  }
  const params = new SqlParams([tableId]);
  const keys = sort.map((s, i) => `${sortValue(s, params, "r")} AS k${i}`);
  const order = (alias: string) =>
    [...sort.map((s, i) => `${alias}.k${i} ${sortDirection(s)}`), `${alias}.p`].join(", ");
  const cursor = after !== undefined && sort.length > 0;
  // A search alone, in the table's order, needs only the positions row_search holds.
  const matching =
    filter?.kind === "search" && sort.length === 0
      ? `SELECT s.position AS p FROM row_search s WHERE ${searchMatch(params, filter.value, tableId)}`
      : `SELECT ${["r.position AS p", ...keys].join(", ")} FROM rows r WHERE r.table_id = $1::uuid AND ${filter ? compileFilter(filter, params, "r", { tableId }) : "true"}`;
  const ctes = [`m AS MATERIALIZED (${matching})`];
  let keyset = "true";
  if (cursor) {
    const cursorKeys = sort.map((s, i) => `${sortValue(s, params, "r")} AS k${i}`);
    ctes.push(
      `c AS (SELECT ${["r.position AS p", ...cursorKeys].join(", ")} FROM rows r WHERE r.table_id = $1::uuid AND r.position = ${params.add(after, "bigint")})`,
    );
    keyset = afterCursor(sort);
  } else if (after !== undefined) {
    keyset = `m.p > ${params.add(after, "bigint")}`;
  }
  ctes.push(
    `w AS (SELECT m.* FROM m${cursor ? ", c" : ""} WHERE ${keyset} ORDER BY ${order("m")} OFFSET ${params.add(offset, "bigint")} LIMIT ${params.add(limit, "bigint")})`,
  );
  const text = `WITH ${ctes.join(",\n")}
    SELECT t.total, ${cursor ? "(SELECT count(*) > 0 FROM c)" : "NULL::boolean"} AS "cursorFound", ${ROW_COLUMNS}
      FROM (SELECT count(*)::int AS total FROM m) t
      LEFT JOIN (w CROSS JOIN LATERAL ${rowAt("w.p")}) ON true
     ORDER BY ${order("w")}`;
  return { text, values: params.values, cursor };
}

export async function readWindow(request: WindowRequest): Promise<{ rows: RowRecord[]; total: number }> {
  const { text, values, cursor } = windowStatement(request);
  const result = await getPool().query<WindowRow>(text, values);
  const first = result.rows[0];
  if (cursor && first && !first.cursorFound) {
    throw invalid("The query parameters are invalid", [
      {
        path: "after",
        message: `no row of this table has position ${request.after}; it may have been deleted: page by offset or start again`,
      },
    ]);
  }
  return { rows: result.rows.filter((row) => row.id !== null), total: first?.total ?? 0 };
}

/**
 * A window of the table's own order and the table's row count: two statements at once, an
 * index range of (table_id, position) each. The window skips its offset in the index alone
 * (an index-only scan where the visibility map allows) and reads only its own rows whole. Raw
 * pg rather than Prisma's findMany: 200 rows decode in ~40 ms instead of ~100 ms
 * (bench/README.md, "Views").
 */
export async function readPlainWindow({
  tableId,
  offset,
  limit,
  after,
}: Omit<WindowRequest, "filter" | "sort">): Promise<{ rows: RowRecord[]; total: number }> {
  const pool = getPool();
  const [count, window] = await Promise.all([
    pool.query<{ total: number; found: boolean }>(
      `SELECT (SELECT count(*) FROM rows WHERE table_id = $1::uuid)::int AS total,
              EXISTS (SELECT 1 FROM tables WHERE id = $1::uuid) AS found`,
      [tableId],
    ),
    pool.query<RowRecord>(PLAIN_WINDOW, [tableId, after ?? -1, offset, limit]),
  ]);
  if (!count.rows[0].found) throw notFound("table", tableId);
  return { rows: window.rows, total: count.rows[0].total };
}
