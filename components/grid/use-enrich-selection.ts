import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  type ColumnDto,
  type EnrichRequest,
  fetchers,
  type JobDto,
  type Page,
  type RowPage,
} from "@/lib/client/fetchers";
import { markQueued, taskIdsOf } from "@/lib/client/grid-blocks";
import { MAX_CELLS_PER_JOB, planEnrich } from "@/lib/client/grid-enrich-plan";
import type { Dims, GridSelection } from "@/lib/client/grid-selection";
import { queryKeys } from "@/lib/client/query-keys";
import { resolveRowIds } from "@/lib/client/resolve-row-ids";
import { rowFilterOf, type ViewQuery, viewKey } from "@/lib/client/view-query";
import { useToast } from "../ui/toast-provider";

/** The request, and which cached rows to show queued at once: `queued` over the windows under `scope`. */
type Planned = {
  body: EnrichRequest;
  queued: (rowId: string) => string[] | undefined;
  scope?: readonly unknown[];
};

export async function planEnrichRequest(
  client: ReturnType<typeof useQueryClient>,
  tableId: string,
  columns: ColumnDto[],
  selection: GridSelection,
  dims: Dims,
  view: ViewQuery,
): Promise<Planned> {
  const plan = planEnrich(selection, dims);
  if (plan.mode === "empty") throw new Error("Select the cells to enrich first.");
  if (plan.mode === "too-large") {
    throw new Error(
      `${plan.cells.toLocaleString("en-US")} cells are selected; one job can enrich at most ${MAX_CELLS_PER_JOB.toLocaleString("en-US")}.`,
    );
  }
  if (plan.mode === "columns") {
    const columnIds = plan.cols.map((c) => columns[c].id);
    // Whole columns of a filtered view: its rows, chosen by the server from the same filter
    // (no row ids over the wire, and no race with rows added meanwhile).
    const rowFilter = rowFilterOf(view);
    if (rowFilter) {
      // Every row in this view's windows matched the filter when it was read.
      return {
        body: { columnIds, rowFilter },
        queued: () => columnIds,
        scope: queryKeys.viewRows(tableId, viewKey(view)),
      };
    }
    return { body: { columnIds, rowIds: "all" }, queued: () => columnIds };
  }
  if (plan.mode === "grid") {
    const ids = await resolveRowIds(client, tableId, view, plan.rows);
    const columnIds = plan.cols.map((c) => columns[c].id);
    const rowIds = [...ids.values()];
    const selected = new Set(rowIds);
    return { body: { columnIds, rowIds }, queued: (rowId) => (selected.has(rowId) ? columnIds : undefined) };
  }
  const rows = [...new Set(plan.cells.map((c) => c.row))].map((r): [number, number] => [r, r]);
  const ids = await resolveRowIds(client, tableId, view, rows);
  const cellIds = plan.cells.flatMap((c) => {
    const rowId = ids.get(c.row);
    return rowId ? [{ rowId, columnId: columns[c.col].id }] : [];
  });
  const byRow = new Map<string, string[]>();
  for (const cell of cellIds) byRow.set(cell.rowId, [...(byRow.get(cell.rowId) ?? []), cell.columnId]);
  return { body: { cellIds }, queued: (rowId) => byRow.get(rowId) };
}

/** A selection to enrich, and the view its rows are counted in (the one on screen unless told). */
export type EnrichTarget = { selection: GridSelection; within?: ViewQuery };

/** Enrich: the selection → one POST /enrich; the job and the queued cells show at once. */
export function useEnrichSelection(tableId: string, columns: ColumnDto[], dims: Dims, view: ViewQuery) {
  const client = useQueryClient();
  const toast = useToast();
  return useMutation({
    meta: { errorTitle: "Could not start enrichment" },
    mutationFn: async ({ selection, within = view }: EnrichTarget) => {
      const planned = await planEnrichRequest(client, tableId, columns, selection, dims, within);
      // The status cursor must predate the job, or its first changes could be missed.
      await client.ensureQueryData({ queryKey: queryKeys.cellStatus(tableId) });
      // What the cells show as the request leaves: only those unchanged by its answer are marked queued.
      const before = new Map<string, string>();
      for (const [, block] of client.getQueriesData<RowPage>({
        queryKey: planned.scope ?? queryKeys.rowBlocks(tableId),
      }))
        if (block) taskIdsOf(block, planned.queued, before);
      const response = await fetchers.enrich(tableId, planned.body);
      return { response, planned, before };
    },
    onSuccess: ({ response, planned, before }) => {
      const job: JobDto = {
        jobId: response.jobId,
        tableId,
        status: "pending",
        totalTasks: response.totalTasks,
        doneTasks: 0,
        failedTasks: 0,
        skippedTasks: 0,
        cancelledTasks: 0,
        progress: 0,
        createdAt: new Date().toISOString(),
        startedAt: null,
        completedAt: null,
        error: response.error ?? null,
        creditsSpent: 0,
        retriedAt: null,
        maxCredits: null,
        budgetReached: false,
        columnIds: planned.body.columnIds ?? [...new Set(planned.body.cellIds?.map((cell) => cell.columnId))],
        unfinishedTasks: response.totalTasks,
        // Filled in by the next read of the job; the grid does not show it.
        createdBy: { userId: null, apiKeyId: null },
      };
      client.setQueryData<Page<JobDto>>(queryKeys.jobs(tableId), (page) =>
        page ? { ...page, data: [job, ...page.data.filter((j) => j.jobId !== job.jobId)] } : page,
      );
      void client.invalidateQueries({ queryKey: queryKeys.jobs(tableId), exact: true });
      client.setQueriesData<RowPage>({ queryKey: planned.scope ?? queryKeys.rowBlocks(tableId) }, (block) => {
        if (!block) return block;
        const cells = new Map<string, string[]>();
        for (const row of block.data) {
          const columnIds = planned.queued(row.id);
          if (columnIds) cells.set(row.id, columnIds);
        }
        return cells.size > 0 ? markQueued(block, cells, before) : block;
      });
      if (response.error)
        toast.show({ kind: "error", title: "The job was created but not started", message: response.message });
      else toast.show({ kind: "info", title: response.message });
    },
  });
}
