import {
  type Query,
  type QueryClient,
  type UseQueryResult,
  useQueries,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { useCallback, useMemo } from "react";
import { fetchers, type RowDto, type RowPage, type TableDto } from "@/lib/client/fetchers";
import { BLOCK_SIZE, blockOf, blocksFor } from "@/lib/client/grid-blocks";
import { queryKeys } from "@/lib/client/query-keys";
import { isFiltered, type ViewQuery, viewKey, viewOfKey } from "@/lib/client/view-query";
import { viewFits } from "@/lib/client/view-state";

/** Rows fetched beyond the visible ones, so a slow scroll finds the next window ready. */
const PREFETCH_ROWS = 60;

// Module-level so React Query can keep the combined result stable between renders: a new
// array on every scroll frame would rebuild the table's row model each frame.
const pagesOf = (results: UseQueryResult<RowPage>[]) => results.map((r) => r.data);

/** One window of a view; its row count updates the view's (and, for all rows, the table's). */
export async function fetchBlock(
  client: QueryClient,
  tableId: string,
  view: ViewQuery,
  block: number,
  signal?: AbortSignal,
) {
  const page = await fetchers.getRows(tableId, { offset: block * BLOCK_SIZE, limit: BLOCK_SIZE, view }, signal);
  client.setQueryData(queryKeys.viewCount(tableId, viewKey(view)), page.meta.total);
  // Rows added or deleted elsewhere: keep the scroll height in step with the server.
  if (!isFiltered(view)) {
    client.setQueryData<TableDto>(queryKeys.tableMeta(tableId), (table) =>
      table && table.rowCount !== page.meta.total ? { ...table, rowCount: page.meta.total } : table,
    );
  }
  return page;
}

/**
 * Refetches the cached row windows (those `stale` picks, else all) whose view can still be read
 * with the table's columns as the cache has them now: a window of a view that named a column
 * deleted or retyped meanwhile is left alone, since the grid moves to the view without it
 * (fitColumns) instead of asking for rows the server would refuse. Refetch the table first.
 */
export function refetchRowBlocks(client: QueryClient, tableId: string, stale: (query: Query) => boolean = () => true) {
  const columns = client.getQueryData<TableDto>(queryKeys.tableMeta(tableId))?.columns;
  return client.invalidateQueries({
    queryKey: queryKeys.rowBlocks(tableId),
    predicate: (query) => {
      const view = viewOfKey(String(query.queryKey[3]));
      return (!columns || (view !== null && viewFits(view, columns))) && stale(query);
    },
  });
}

/**
 * The exact row count of a view: the table's for all rows, else what the view's latest window
 * said (its first window is fetched for it when none is cached yet). Undefined while loading.
 */
export function useViewCount(tableId: string, view: ViewQuery, tableRowCount: number, enabled: boolean) {
  const client = useQueryClient();
  const key = viewKey(view);
  const filtered = isFiltered(view);
  const count = useQuery({
    queryKey: queryKeys.viewCount(tableId, key),
    queryFn: async ({ signal }) => {
      const page = await client.fetchQuery({
        queryKey: queryKeys.rowBlock(tableId, key, 0),
        queryFn: () => fetchBlock(client, tableId, view, 0, signal),
        staleTime: 60_000,
      });
      return page.meta.total;
    },
    enabled: enabled && filtered,
    staleTime: Number.POSITIVE_INFINITY,
    meta: { errorTitle: "Could not load the view" },
  });
  return filtered ? count.data : tableRowCount;
}

/**
 * The row windows of a view covering `range`, each a cached query (so scrolling back is
 * instant and live updates patch the cache). Windows that scroll out before they load are
 * cancelled.
 */
export function useRowBlocks(
  tableId: string,
  view: ViewQuery,
  rowCount: number,
  range: { first: number; last: number },
  enabled: boolean,
) {
  const client = useQueryClient();
  const key = viewKey(view);
  const blocks = useMemo(
    () => blocksFor(range.first - PREFETCH_ROWS, range.last + PREFETCH_ROWS, rowCount),
    [range.first, range.last, rowCount],
  );
  const pages = useQueries({
    queries: blocks.map((block) => ({
      queryKey: queryKeys.rowBlock(tableId, key, block),
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchBlock(client, tableId, view, block, signal),
      enabled,
      staleTime: 60_000,
      meta: { errorTitle: "Could not load rows" },
    })),
    combine: pagesOf,
  });

  const loaded = useMemo(() => {
    const byBlock = new Map<number, RowPage>();
    blocks.forEach((block, i) => {
      const page = pages[i];
      if (page) byBlock.set(block, page);
    });
    return byBlock;
  }, [blocks, pages]);

  const rows = useMemo(() => [...loaded.values()].flatMap((page) => page.data), [loaded]);

  /** The row at an index: from a window in view, else any cached window, else undefined (loading). */
  const rowAt = useCallback(
    (index: number): RowDto | undefined => {
      const block = blockOf(index);
      const page = loaded.get(block) ?? client.getQueryData<RowPage>(queryKeys.rowBlock(tableId, key, block));
      return page?.data[index - block * BLOCK_SIZE];
    },
    [loaded, client, tableId, key],
  );

  /** Where a row is among the loaded windows (its index in the view), or -1. */
  const indexOf = useCallback(
    (rowId: string): number => {
      for (const [block, page] of loaded) {
        const i = page.data.findIndex((row) => row.id === rowId);
        if (i >= 0) return block * BLOCK_SIZE + i;
      }
      return -1;
    },
    [loaded],
  );

  return { rows, rowAt, indexOf };
}
