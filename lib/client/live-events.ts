import type { TableChanges } from "@/lib/realtime/table-changes";
import type { JobDto, Page, RowPage } from "./fetchers";

// Pure logic of the table's event stream (GET /api/tables/:id/events) in the grid: what a
// `table` event makes stale, and how a `job` event lands in the cached jobs list.

export type TableEventData = TableChanges & { cursor: string };

/** What to refetch after a table event: the table (name, columns, row count) and which row windows. */
export type Refresh = { table: boolean; columns: boolean; allBlocks: boolean; rowIds: Set<string> };

export function refreshFor(event: TableEventData): Refresh {
  const refresh: Refresh = { table: event.reload, columns: event.reload, allBlocks: event.reload, rowIds: new Set() };
  for (const change of event.changes) {
    if (change.kind === "table") refresh.table = true;
    else if (change.kind === "columns") {
      refresh.table = true;
      refresh.columns = true;
      // A deleted column's values and cell states leave every row.
      if (change.op === "deleted") refresh.allBlocks = true;
    } else if (change.op === "updated") {
      if (change.ids) for (const id of change.ids) refresh.rowIds.add(id);
      else refresh.allBlocks = true;
    } else {
      // Rows added or removed shift the windows after them (and change the row count).
      refresh.table = true;
      refresh.allBlocks = true;
    }
  }
  return refresh;
}

/** Whether a cached row window must be refetched. */
export const blockIsStale = (refresh: Refresh, page: RowPage | undefined) =>
  refresh.allBlocks || (page?.data.some((row) => refresh.rowIds.has(row.id)) ?? false);

/**
 * The views (keys other than "all": filtered, searched or sorted) whose every cached window
 * is stale after rows were edited: a row they do not hold may match their filter now or sort
 * into a window on screen, and a row they hold may leave them or move, which shifts every
 * window after its own (reloading its window alone showed a row twice at the next window's
 * edge). All rows in table order keep their places: only the windows holding the rows
 * (blockIsStale). `blocks` are the cached windows with their view's key.
 */
export function viewsToReload(refresh: Refresh, blocks: { view: string; page: RowPage | undefined }[]): Set<string> {
  const reload = new Set<string>();
  if (refresh.rowIds.size === 0) return reload;
  for (const { view } of blocks) if (view !== "all") reload.add(view);
  return reload;
}

/** The jobs list with `job` in place (a new job goes first, as the list is newest first). */
export function withJob(page: Page<JobDto> | undefined, job: JobDto): Page<JobDto> | undefined {
  if (!page) return page;
  const index = page.data.findIndex((j) => j.jobId === job.jobId);
  if (index === -1) {
    return { ...page, data: [job, ...page.data], meta: { ...page.meta, total: page.meta.total + 1 } };
  }
  const data = page.data.slice();
  data[index] = job;
  return { ...page, data };
}
