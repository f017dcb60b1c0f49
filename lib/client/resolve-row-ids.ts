import type { QueryClient } from "@tanstack/react-query";
import type { RowPage } from "@/lib/rows/rows";
import type { RowDto } from "@/lib/rows/serialize";
import { fetchers } from "./fetchers";
import { BLOCK_SIZE, blockOf } from "./grid-blocks";
import { queryKeys } from "./query-keys";
import { type ViewQuery, viewKey } from "./view-query";

/** Rows fetched per request when a selection reaches past the cached blocks (the API's max). */
const FETCH_PAGE = 1000;

/**
 * Row ids for row indices of a view, from the view's cached blocks where possible and
 * otherwise from the API in pages of 1,000 (a selection may span rows never scrolled into view).
 */
export async function resolveRowIds(
  client: QueryClient,
  tableId: string,
  view: ViewQuery,
  intervals: [number, number][],
): Promise<Map<number, string>> {
  const rows = await resolveRows(client, tableId, view, intervals);
  return new Map([...rows].map(([index, row]) => [index, row.id]));
}

/** The rows themselves at those indices (a copy of rows never scrolled into view), the same way. */
export async function resolveRows(
  client: QueryClient,
  tableId: string,
  view: ViewQuery,
  intervals: [number, number][],
): Promise<Map<number, RowDto>> {
  const key = viewKey(view);
  const ids = new Map<number, RowDto>();
  const missing: number[] = [];
  for (const [first, last] of intervals) {
    for (let index = first; index <= last; index++) {
      const block = client.getQueryData<RowPage>(queryKeys.rowBlock(tableId, key, blockOf(index)));
      const row = block?.data[index - blockOf(index) * BLOCK_SIZE];
      if (row) ids.set(index, row);
      else missing.push(index);
    }
  }
  const wanted = new Set(missing);
  let i = 0;
  while (i < missing.length) {
    const offset = missing[i];
    // Up to the last missing index within reach: a page never reaches past the selection.
    let j = i;
    while (j + 1 < missing.length && missing[j + 1] < offset + FETCH_PAGE) j++;
    const page = await fetchers.getRows(tableId, { offset, limit: missing[j] - offset + 1, view });
    // Only the indices asked for: rows between them are loaded (cached) ones or not selected.
    page.data.forEach((row, k) => {
      if (wanted.has(offset + k)) ids.set(offset + k, row);
    });
    i = j + 1;
    if (page.data.length === 0) break;
  }
  return ids;
}
