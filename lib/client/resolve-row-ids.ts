import type { QueryClient } from "@tanstack/react-query";
import type { RowPage } from "@/lib/rows/rows";
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
  const key = viewKey(view);
  const ids = new Map<number, string>();
  const missing: number[] = [];
  for (const [first, last] of intervals) {
    for (let index = first; index <= last; index++) {
      const block = client.getQueryData<RowPage>(queryKeys.rowBlock(tableId, key, blockOf(index)));
      const row = block?.data[index - blockOf(index) * BLOCK_SIZE];
      if (row) ids.set(index, row.id);
      else missing.push(index);
    }
  }
  let i = 0;
  while (i < missing.length) {
    const offset = missing[i];
    const page = await fetchers.getRows(tableId, { offset, limit: FETCH_PAGE, view });
    page.data.forEach((row, j) => {
      ids.set(offset + j, row.id);
    });
    while (i < missing.length && missing[i] < offset + FETCH_PAGE) i++;
    if (page.data.length === 0) break;
  }
  return ids;
}
