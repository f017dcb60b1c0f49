import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import {
  type CellStatusPage,
  type ColumnDto,
  fetchers,
  type JobDto,
  type Page,
  type RowPage,
} from "@/lib/client/fetchers";
import { applyChanges, groupChanges } from "@/lib/client/grid-blocks";
import { blockIsStale, refreshFor, type TableEventData, viewsToReload, withJob } from "@/lib/client/live-events";
import { queryKeys } from "@/lib/client/query-keys";
import { isActiveJob } from "@/lib/enrichment/serialize";
import { refetchRowBlocks } from "./use-row-blocks";
import { useTableStream } from "./use-table-stream";

const POLL_MS = 1000;
/**
 * Without the stream, other people's edits (rows added, changed or deleted, columns) reach the
 * grid by reading the table and its cached windows again this often (there is no polled feed
 * of them), jobs or not.
 */
const TABLE_POLL_MS = 5_000;
/** After falling back to polling, the stream is tried again this much later. */
const STREAM_RETRY_MS = 15_000;
type StatusCursor = { cursor: string };

/**
 * Live state of the table: its jobs, every cell whose task changed (patched into the cached
 * row windows so values appear in place), and other people's edits of rows and columns (the
 * windows and columns they touch are refetched). It comes from the table's event stream; if
 * the stream fails, from polling (jobs and cells/status about once a second while a job is
 * active, the table and its windows every 5 s) from the same cursor, and the stream is tried
 * again later. The first cursor comes
 * from one small cells/status read; row windows load once it is known (`ready`) and the
 * stream starts after it, so no change can fall between a window and the stream (changes the
 * window already holds may come again, and patch it to the same state).
 */
export function useLiveStatus(tableId: string, columns: ColumnDto[]) {
  const client = useQueryClient();
  const keyOf = useMemo(() => {
    const keys = new Map(columns.map((c) => [c.id, c.key]));
    return (columnId: string) => keys.get(columnId);
  }, [columns]);
  const keyOfRef = useRef(keyOf);
  keyOfRef.current = keyOf;
  const [streaming, setStreaming] = useState(() => typeof EventSource !== "undefined");
  const [streamReady, setStreamReady] = useState(false);

  const jobs = useQuery({
    queryKey: queryKeys.jobs(tableId),
    queryFn: ({ signal }) => fetchers.listJobs(tableId, signal),
    refetchInterval: (query) => (!streaming && query.state.data?.data.some(isActiveJob) ? POLL_MS : false),
    staleTime: 5_000,
    meta: { errorTitle: "Could not load the jobs" },
  });
  const active = jobs.data?.data.some(isActiveJob) ?? false;

  /** Patches a cells/status page (from a poll or a `cells` event) into the cached windows. */
  const applyPage = useCallback(
    async (page: CellStatusPage) => {
      if (page.hasMore) {
        // More changed than one page holds: the windows' own `cells` carry every state.
        await client.invalidateQueries({ queryKey: queryKeys.rowBlocks(tableId) });
      } else if (page.cells.length > 0 || page.rows.length > 0) {
        const changes = groupChanges(page);
        client.setQueriesData<RowPage>({ queryKey: queryKeys.rowBlocks(tableId) }, (block) =>
          block ? applyChanges(block, changes, keyOfRef.current) : block,
        );
      }
    },
    [client, tableId],
  );

  const status = useQuery({
    queryKey: queryKeys.cellStatus(tableId),
    queryFn: async ({ signal }): Promise<StatusCursor> => {
      const previous = client.getQueryData<StatusCursor>(queryKeys.cellStatus(tableId));
      if (!previous) return { cursor: (await fetchers.cellStatus(tableId, { limit: 1 }, signal)).cursor };
      const page = await fetchers.cellStatus(tableId, { since: previous.cursor }, signal);
      await applyPage(page);
      return { cursor: page.cursor };
    },
    // The first read (the cursor) is needed either way; later ones only when polling.
    enabled: !streaming || !client.getQueryData<StatusCursor>(queryKeys.cellStatus(tableId)),
    refetchInterval: !streaming && active ? POLL_MS : false,
    staleTime: Number.POSITIVE_INFINITY,
    retry: 3,
    meta: { errorTitle: "Could not refresh cell statuses" },
  });

  const cursorKnown = status.data !== undefined;
  useTableStream(
    tableId,
    streaming && cursorKnown,
    () => client.getQueryData<StatusCursor>(queryKeys.cellStatus(tableId))?.cursor,
    {
      opened: () => {
        // Jobs that ended while the stream was away are not replayed: take the list afresh.
        void client.invalidateQueries({ queryKey: queryKeys.jobs(tableId), exact: true });
      },
      cells: (page) => {
        void applyPage(page);
        client.setQueryData<StatusCursor>(queryKeys.cellStatus(tableId), { cursor: page.cursor });
        setStreamReady(true);
      },
      table: async (event: TableEventData) => {
        const refresh = refreshFor(event);
        const tableRefetched = refresh.table
          ? client.invalidateQueries({ queryKey: queryKeys.tableMeta(tableId) })
          : undefined;
        // Columns changed: the windows are read after the table, so that none is asked for with
        // a view that names a column deleted or retyped meanwhile (refetchRowBlocks).
        if (refresh.columns) await tableRefetched;
        const viewOf = (key: readonly unknown[]) => String(key[3]);
        const reload = viewsToReload(
          refresh,
          client
            .getQueriesData<RowPage>({ queryKey: queryKeys.rowBlocks(tableId) })
            .map(([key, page]) => ({ view: viewOf(key), page })),
        );
        void refetchRowBlocks(
          client,
          tableId,
          (query) =>
            reload.has(viewOf(query.queryKey)) || blockIsStale(refresh, query.state.data as RowPage | undefined),
        );
        // The view's row count comes with its windows; one not on screen is counted afresh. Rows
        // added or removed change every view's count, also of a view showing none (it has no
        // window on screen to refetch: an empty view stayed empty when matching rows came back).
        if (refresh.allBlocks) void client.invalidateQueries({ queryKey: queryKeys.viewCounts(tableId) });
        else for (const view of reload) void client.invalidateQueries({ queryKey: queryKeys.viewCount(tableId, view) });
      },
      job: (job: JobDto) => {
        client.setQueryData<Page<JobDto>>(queryKeys.jobs(tableId), (page) => withJob(page, job));
      },
      failed: () => setStreaming(false),
    },
  );

  // Polling, other people's edits come with the table and its windows, read again now and then.
  useEffect(() => {
    if (streaming) return;
    const timer = setInterval(() => {
      if (typeof document !== "undefined" && document.visibilityState === "hidden") return;
      void client
        .invalidateQueries({ queryKey: queryKeys.tableMeta(tableId) })
        .then(() => refetchRowBlocks(client, tableId, (query) => query.isActive()))
        .then(() => client.invalidateQueries({ queryKey: queryKeys.viewCounts(tableId) }));
      void client.invalidateQueries({ queryKey: queryKeys.jobs(tableId), exact: true });
    }, TABLE_POLL_MS);
    return () => clearInterval(timer);
  }, [streaming, client, tableId]);

  // Polling is the fallback: give the stream another chance after a while.
  useEffect(() => {
    if (streaming || typeof EventSource === "undefined") return;
    const timer = setTimeout(() => setStreaming(true), STREAM_RETRY_MS);
    return () => clearTimeout(timer);
  }, [streaming]);

  // Polling, a job just ended: one more poll picks up the cells that finished since the last one.
  const wasActive = useRef(active);
  useEffect(() => {
    if (wasActive.current && !active && !streaming) {
      void client.refetchQueries({ queryKey: queryKeys.cellStatus(tableId) });
    }
    wasActive.current = active;
  }, [active, client, tableId, streaming]);

  // A job's end, streamed or polled, changes what the next run would cost (its answers are
  // cached now, the budget is spent): the selection's estimate is asked for again.
  const activeIds = (jobs.data?.data ?? [])
    .filter(isActiveJob)
    .map((job) => job.jobId)
    .join(",");
  const wereActive = useRef(activeIds);
  useEffect(() => {
    const still = new Set(activeIds.split(","));
    if (wereActive.current.split(",").some((id) => id !== "" && !still.has(id))) {
      void client.invalidateQueries({ queryKey: queryKeys.estimates(tableId) });
    }
    wereActive.current = activeIds;
  }, [activeIds, client, tableId]);

  return {
    jobs: jobs.data?.data ?? [],
    jobsLoading: jobs.isPending,
    active,
    ready: streamReady || status.isSuccess || status.isError,
  };
}
