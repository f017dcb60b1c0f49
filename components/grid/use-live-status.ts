import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef } from "react";
import { type ColumnDto, fetchers, type RowPage } from "@/lib/client/fetchers";
import { applyChanges, groupChanges } from "@/lib/client/grid-blocks";
import { isActiveJob } from "@/lib/client/job-state";
import { queryKeys } from "@/lib/client/query-keys";

const POLL_MS = 1000;
type StatusCursor = { cursor: string };

/**
 * Live enrichment state: the table's jobs, and every cell whose task changed, patched into
 * the cached row windows so values appear in place. Both poll about once a second while any
 * job is active and stop when none is. The first status call only takes a cursor; row
 * windows load after it (`ready`), so no change can fall between a window and the cursor.
 */
export function useLiveStatus(tableId: string, columns: ColumnDto[]) {
  const client = useQueryClient();
  const keyOf = useMemo(() => {
    const keys = new Map(columns.map((c) => [c.id, c.key]));
    return (columnId: string) => keys.get(columnId);
  }, [columns]);
  const keyOfRef = useRef(keyOf);
  keyOfRef.current = keyOf;

  const jobs = useQuery({
    queryKey: queryKeys.jobs(tableId),
    queryFn: ({ signal }) => fetchers.listJobs(tableId, signal),
    refetchInterval: (query) => (query.state.data?.data.some(isActiveJob) ? POLL_MS : false),
    staleTime: 5_000,
    meta: { errorTitle: "Could not load the jobs" },
  });
  const active = jobs.data?.data.some(isActiveJob) ?? false;

  const status = useQuery({
    queryKey: queryKeys.cellStatus(tableId),
    queryFn: async ({ signal }): Promise<StatusCursor> => {
      const previous = client.getQueryData<StatusCursor>(queryKeys.cellStatus(tableId));
      if (!previous) return { cursor: (await fetchers.cellStatus(tableId, { limit: 1 }, signal)).cursor };
      const page = await fetchers.cellStatus(tableId, { since: previous.cursor }, signal);
      if (page.hasMore) {
        // More changed than one response holds: the windows' own `cells` carry every state.
        await client.invalidateQueries({ queryKey: queryKeys.rowBlocks(tableId) });
      } else if (page.cells.length > 0 || page.rows.length > 0) {
        const changes = groupChanges(page);
        client.setQueriesData<RowPage>({ queryKey: queryKeys.rowBlocks(tableId) }, (block) =>
          block ? applyChanges(block, changes, keyOfRef.current) : block,
        );
      }
      return { cursor: page.cursor };
    },
    refetchInterval: active ? POLL_MS : false,
    staleTime: Number.POSITIVE_INFINITY,
    retry: 3,
    meta: { errorTitle: "Could not refresh cell statuses" },
  });

  // A job just ended: one more poll picks up the cells that finished since the last one.
  const wasActive = useRef(active);
  useEffect(() => {
    if (wasActive.current && !active) void client.refetchQueries({ queryKey: queryKeys.cellStatus(tableId) });
    wasActive.current = active;
  }, [active, client, tableId]);

  return {
    jobs: jobs.data?.data ?? [],
    jobsLoading: jobs.isPending,
    active,
    ready: status.isSuccess || status.isError,
  };
}
