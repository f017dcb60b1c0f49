import { type QueryClient, type UseQueryResult, useQueries, useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo } from "react";
import { fetchers, type RowDto, type RowPage, type TableDto } from "@/lib/client/fetchers";
import { BLOCK_SIZE, blockOf, blocksFor } from "@/lib/client/grid-blocks";
import { queryKeys } from "@/lib/client/query-keys";

/** Rows fetched beyond the visible ones, so a slow scroll finds the next window ready. */
const PREFETCH_ROWS = 60;

// Module-level so React Query can keep the combined result stable between renders: a new
// array on every scroll frame would rebuild the table's row model each frame.
const pagesOf = (results: UseQueryResult<RowPage>[]) => results.map((r) => r.data);

async function fetchBlock(client: QueryClient, tableId: string, block: number, signal: AbortSignal) {
  const page = await fetchers.getRows(tableId, { offset: block * BLOCK_SIZE, limit: BLOCK_SIZE }, signal);
  // Rows added or deleted elsewhere: keep the scroll height in step with the server.
  client.setQueryData<TableDto>(queryKeys.tableMeta(tableId), (table) =>
    table && table.rowCount !== page.meta.total ? { ...table, rowCount: page.meta.total } : table,
  );
  return page;
}

/**
 * The row windows covering `range`, each a cached query (so scrolling back is instant and
 * live updates patch the cache). Windows that scroll out before they load are cancelled.
 */
export function useRowBlocks(
  tableId: string,
  rowCount: number,
  range: { first: number; last: number },
  enabled: boolean,
) {
  const client = useQueryClient();
  const blocks = useMemo(
    () => blocksFor(range.first - PREFETCH_ROWS, range.last + PREFETCH_ROWS, rowCount),
    [range.first, range.last, rowCount],
  );
  const pages = useQueries({
    queries: blocks.map((block) => ({
      queryKey: queryKeys.rowBlock(tableId, block),
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchBlock(client, tableId, block, signal),
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
      const page = loaded.get(block) ?? client.getQueryData<RowPage>(queryKeys.rowBlock(tableId, block));
      return page?.data[index - block * BLOCK_SIZE];
    },
    [loaded, client, tableId],
  );

  return { rows, rowAt };
}
