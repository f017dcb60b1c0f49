import "server-only";
import { getDb, type Tx } from "../db";
import { AppError, invalid } from "../errors";
import type { RowPage } from "../rows/rows";
import type { ListRowsQuery } from "../rows/schemas";
import { serializeRow } from "../rows/serialize";
import { type FilterNode, filterWithSearch, type SortKey } from "./filter-schema";
import { type ResolvedFilter, type ResolvedSort, resolveFilter, resolveSort, type ViewColumn } from "./resolve";
import { readPlainWindow, readWindow } from "./row-window";
import { viewColumnsOf } from "./table-columns";

/** No filter, sort or search: the table's own order, read by lib/rows/rows.ts. */
export const isPlainQuery = (query: ListRowsQuery) =>
  query.filter === undefined && (query.sort ?? []).length === 0 && (query.q ?? "").trim() === "";

/**
 * A view's `filter`, `sort` and `q` resolved against the table's columns: one 422 names every
 * part that does not fit (it named the filter's problems, and the sort's only once they were fixed).
 */
export function resolveView(
  query: { filter?: FilterNode; sort?: SortKey[]; q?: string },
  columns: ViewColumn[],
): { filter: ResolvedFilter | null; sort: ResolvedSort[] } {
  const tree = filterWithSearch(query.filter, query.q);
  const refused: AppError[] = [];
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (error) {
      if (!(error instanceof AppError) || !Array.isArray(error.details)) throw error;
      refused.push(error);
      return undefined;
    }
  };
  const filter = tree ? attempt(() => resolveFilter(tree, columns, "filter")) : null;
  const sort = attempt(() => resolveSort(query.sort ?? [], columns));
  if (refused.length === 1) throw refused[0];
  if (refused.length > 1 || filter === undefined || sort === undefined) {
    const details = refused.flatMap((e) => e.details as unknown[]);
    throw invalid("The filter and the sort do not fit this table's columns", details);
  }
  return { filter, sort };
}

async function readView(tableId: string, query: ListRowsQuery, offset: number, db: Tx) {
  const { limit, after } = query;
  if (isPlainQuery(query)) return readPlainWindow({ tableId, offset, limit, after });
  const { filter, sort } = resolveView(query, await viewColumnsOf(db, tableId));
  return readWindow({ tableId, filter, sort, offset, limit, after });
}

/**
 * GET /rows: a page, offset window or `after` page of the table's order, or of a view of it
 * (`filter`, `sort`, `q`), with the exact row count of what is shown.
 */
export async function listRowWindow(
  { tableId, query }: { tableId: string; query: ListRowsQuery },
  db: Tx = getDb(),
): Promise<RowPage> {
  const { limit } = query;
  const offset = query.offset ?? (query.after === undefined ? ((query.page ?? 1) - 1) * limit : 0);
  // `total` counts the whole view, not what follows a cursor row: an `after` page reads one
  // row more to tell whether another page follows it.
  const keyset = query.after !== undefined;
  const read = await readView(tableId, keyset ? { ...query, limit: limit + 1 } : query, offset, db);
  const rows = read.rows.slice(0, limit);
  const { total } = read;
  const more = keyset ? read.rows.length > limit : offset + rows.length < total;
  const last = rows.at(-1);
  return {
    data: rows.map(serializeRow),
    meta: {
      total,
      page: query.page ?? Math.floor(offset / limit) + 1,
      limit,
      totalPages: Math.ceil(total / limit),
      offset,
      // The last row's position when more rows follow it, else null.
      nextCursor: more && last ? Number(last.position) : null,
    },
  };
}
