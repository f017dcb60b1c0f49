"use client";

import { useQuery } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import type { Permission } from "@/lib/auth/permissions";
import { type ColumnDto, fetchers, type TableDto } from "@/lib/client/fetchers";
import { countCells, emptySelection, type GridSelection, rectsOf, selectColumn } from "@/lib/client/grid-selection";
import { queryKeys } from "@/lib/client/query-keys";
import { isFiltered, viewKey, withEmptyCells } from "@/lib/client/view-query";
import { isActiveJob } from "@/lib/enrichment/serialize";
import { JobProgress } from "../jobs/job-progress";
import { useRefreshViewAfterJobs } from "../views/use-refresh-view";
import { useTableView } from "../views/use-table-view";
import { useViews, type ViewList } from "../views/use-views";
import { ViewBar, type ViewPanel } from "../views/view-bar";
import type { ColumnMenuActions } from "./column-menu";
import { ConfirmEnrichDialog } from "./confirm-enrich-dialog";
import { DataGrid } from "./data-grid";
import { EmptyTable } from "./empty-table";
import { GridPermissionsProvider } from "./grid-permissions";
import { GridToolbar } from "./grid-toolbar";
import { NoMatchingRows } from "./no-matching-rows";
import { useColumnActions } from "./use-column-actions";
import { useConfirmedEnrich, useEnrichEstimate } from "./use-enrich-estimate";
import { type EnrichTarget, useEnrichSelection } from "./use-enrich-selection";
import { useLiveStatus } from "./use-live-status";
import { useViewCount } from "./use-row-blocks";
import { useRowEdits } from "./use-row-edits";
import { type SidePanel, WorkspaceSidePanel } from "./workspace-side-panel";

const NO_COLUMNS: ColumnDto[] = [];

/**
 * The interactive table: toolbar, view bar, progress, grid and a side panel (jobs, a cell's
 * history, column setup). The selection
 * belongs to the view it was made in (its rows and shown columns): another view starts with
 * none, and row indices are always the view's.
 */
export function TableWorkspace({
  initialTable,
  initialViews,
  openViewId,
  permissions,
}: {
  initialTable: TableDto;
  initialViews: ViewList;
  /** The view the grid opens on: the one the address names, else the person's last used one (null: all rows). */
  openViewId: string | null;
  permissions: Permission[];
}) {
  const tableId = initialTable.id;
  const { data: table } = useQuery({
    queryKey: queryKeys.tableMeta(tableId),
    queryFn: ({ signal }) => fetchers.getTable(tableId, signal),
    initialData: initialTable,
    // Gone (deleted, or the person left or was removed from its workspace): the page is
    // rendered again, and says so (components/providers.tsx).
    meta: { errorTitle: "Could not load the table", pageGoneOn404: true },
  });
  const allColumns = table.columns ?? NO_COLUMNS;
  const columnKeys = useMemo(() => allColumns.map((c) => c.key), [allColumns]);
  const saved = useViews(tableId, initialViews);
  const view = useTableView(tableId, allColumns, saved.views, openViewId);
  const { query, visible: columns, dispatch, choose } = view;
  const live = useLiveStatus(tableId, allColumns);
  const rowCount = useViewCount(tableId, query, table.rowCount, live.ready);
  useRefreshViewAfterJobs(tableId, query, live.active);
  const dims = useMemo(() => ({ rows: rowCount ?? 0, cols: columns.length }), [rowCount, columns.length]);

  const scope = `${viewKey(query)}|${columns.map((c) => c.id).join(",")}`;
  const [held, setHeld] = useState({ scope, selection: emptySelection });
  const selection = held.scope === scope ? held.selection : emptySelection;
  const update = useCallback(
    (fn: (s: GridSelection) => GridSelection) =>
      setHeld((h) => ({ scope, selection: fn(h.scope === scope ? h.selection : emptySelection) })),
    [scope],
  );
  const [panel, setPanel] = useState<SidePanel>(null);
  // The column just added, scrolled into view once the grid shows it.
  const [added, setAdded] = useState<string | null>(null);
  const jobsOpen = panel?.kind === "jobs";
  const [viewPanel, setViewPanel] = useState<ViewPanel>(null);
  const enrich = useEnrichSelection(tableId, columns, dims, query);
  const { addRow } = useRowEdits(tableId, columns, query);
  const { addColumn, updateColumn, deleteColumn } = useColumnActions(tableId);

  // Bumped to move the keyboard focus into the grid (after adding a row, to type into it).
  const [focusRequest, setFocusRequest] = useState(0);
  const addRowAndSelect = () =>
    addRow.mutate(undefined, {
      // In the table's own order the new row is the last one: select it and focus the grid to
      // type into it (the button that added it kept the focus, and a space clicked it again),
      // unless the person selected something else while it was being added (the row shows
      // before the request settles).
      onSuccess: () => {
        if (filtered || query.sort.length > 0) return;
        const at = { row: dims.rows, col: 0 };
        update((current) =>
          current === selection ? { ranges: [{ kind: "cells", anchor: at, focus: at }], active: at } : current,
        );
        setFocusRequest((n) => n + 1);
      },
    });
  const selectedCells = useMemo(() => countCells(rectsOf(selection, dims)), [selection, dims]);
  const run = useCallback((target: EnrichTarget) => enrich.mutate(target), [enrich]);
  const confirmed = useConfirmedEnrich(tableId, columns, dims, query, run);
  const onEnrich = useCallback(
    (target?: GridSelection) => void confirmed.request(target ?? selection),
    [confirmed, selection],
  );
  const estimate = useEnrichEstimate(
    tableId,
    columns,
    dims,
    query,
    selection,
    permissions.includes("enrich") && selectedCells > 0,
  );
  const filtered = isFiltered(query);
  const enrichLabel = filtered
    ? `Enrich column (${(rowCount ?? 0).toLocaleString("en-US")} rows in view)`
    : "Enrich column (all rows)";

  const enrichColumn = useCallback(
    (col: number, emptyOnly = false) => {
      const next = selectColumn(emptySelection, col);
      update(() => next);
      // Empty cells only: the view's rows whose value in the column is empty.
      const key = columns[col]?.key;
      void confirmed.request(next, emptyOnly && key ? withEmptyCells(query, key) : query);
    },
    [confirmed, update, columns, query],
  );

  const columnActions = useMemo<ColumnMenuActions>(
    () => ({
      enrichColumn,
      sort: (column, direction) => dispatch({ type: "sortBy", column: column.key, direction }),
      filterBy: (column) => setViewPanel({ kind: "filter", addColumn: column.key, nonce: Date.now() }),
      hide: (column) => dispatch({ type: "hide", column: column.key }),
      setup: (column) => setPanel({ kind: "recipe", columnId: column.id }),
      rename: (column, label) => updateColumn.mutate({ columnId: column.id, patch: { label } }),
      retype: (column, dataType) => updateColumn.mutate({ columnId: column.id, patch: { dataType } }),
      // Moving or deleting changes the shown columns, and with them the selection's scope.
      move: (column, order) => updateColumn.mutate({ columnId: column.id, patch: { order } }),
      remove: (column) => deleteColumn.mutate(column),
    }),
    [enrichColumn, dispatch, updateColumn, deleteColumn],
  );

  const activeJobs = live.jobs.filter(isActiveJob);
  const currentJob = activeJobs[0] ?? live.jobs[0];
  const saving = saved.create.isPending || saved.update.isPending || saved.rename.isPending;

  return (
    <GridPermissionsProvider permissions={permissions}>
      <div className="flex min-h-0 flex-1 flex-col">
        <GridToolbar
          tableId={tableId}
          columnKeys={columnKeys}
          selectedCells={selectedCells}
          enriching={enrich.isPending || confirmed.checking}
          estimate={estimate.estimate}
          estimating={estimate.estimating}
          onEnrich={() => onEnrich()}
          addingRow={addRow.isPending}
          onAddRow={addRowAndSelect}
          addingColumn={addColumn.isPending}
          onAddColumn={(column, done) =>
            addColumn.mutate(column, {
              onSuccess: (created) => {
                setAdded(created.id);
                done();
              },
            })
          }
          exportUrl={fetchers.exportUrl(
            tableId,
            query,
            columns.length < allColumns.length ? columns.map((c) => c.key) : undefined,
          )}
          exportsView={filtered || query.sort.length > 0 || columns.length < allColumns.length}
          jobsOpen={jobsOpen}
          activeJobs={activeJobs.length}
          onToggleJobs={() => setPanel((p) => (p?.kind === "jobs" ? null : { kind: "jobs" }))}
        />
        {allColumns.length > 0 && table.rowCount > 0 ? (
          <ViewBar
            view={view}
            views={saved.views}
            columns={allColumns}
            rowCount={rowCount}
            tableRows={table.rowCount}
            panel={viewPanel}
            onPanel={setViewPanel}
            saving={saving}
            onSave={() =>
              view.state.viewId &&
              saved.update.mutate(
                { viewId: view.state.viewId, state: view.state, search: view.search },
                { onSuccess: (updated) => choose(updated) },
              )
            }
            onSaveAs={(name) =>
              saved.create.mutate(
                { name, state: view.state, search: view.search },
                {
                  onSuccess: (created) => {
                    choose(created);
                    setViewPanel(null);
                  },
                },
              )
            }
            onRename={(target, name) =>
              saved.rename.mutate({ view: target, name }, { onSuccess: () => setViewPanel(null) })
            }
            onDelete={(target) => saved.remove.mutate(target, { onSuccess: () => choose(null) })}
          />
        ) : null}
        <JobProgress job={currentJob} activeCount={activeJobs.length} />
        <div className="flex min-h-0 flex-1">
          {allColumns.length === 0 || table.rowCount === 0 ? (
            <EmptyTable
              tableId={tableId}
              hasColumns={allColumns.length > 0}
              adding={addRow.isPending}
              onAddRow={addRowAndSelect}
            />
          ) : rowCount === 0 ? (
            <NoMatchingRows
              onClear={() => {
                dispatch({ type: "filter", filter: null });
                view.setSearch("");
              }}
            />
          ) : rowCount === undefined ? (
            // Counting the view's rows (a search or filter of a big table can take seconds): say so.
            <div className="flex flex-1 items-start justify-center bg-white pt-16" aria-busy="true">
              <p role="status" className="animate-pulse text-sm text-slate-500">
                {filtered ? "Finding the matching rows…" : "Loading rows…"}
              </p>
            </div>
          ) : (
            <DataGrid
              tableId={tableId}
              tableName={table.name}
              columns={columns}
              rowCount={rowCount}
              ready={live.ready}
              view={query}
              columnWidths={view.state.columnWidths}
              onColumnWidths={(widths) => dispatch({ type: "widths", widths })}
              selection={selection}
              onSelectionChange={update}
              onEnrich={onEnrich}
              enrichLabel={enrichLabel}
              onInspectCell={(cell) => setPanel({ kind: "cell", cell })}
              inspecting={panel?.kind === "cell" ? panel.cell : null}
              columnActions={columnActions}
              revealColumnId={added}
              focusRequest={focusRequest}
            />
          )}
          {confirmed.pending ? (
            <ConfirmEnrichDialog
              estimate={confirmed.pending}
              onConfirm={confirmed.confirm}
              onCancel={confirmed.cancel}
            />
          ) : null}
          <WorkspaceSidePanel
            panel={panel}
            tableId={tableId}
            columns={allColumns}
            jobs={live.jobs}
            jobsLoading={live.jobsLoading}
            onChange={setPanel}
            onRunColumn={(columnId) => {
              // The view's rows of the column; a hidden column has no cells on screen to select.
              const col = columns.findIndex((c) => c.id === columnId);
              if (col >= 0) enrichColumn(col);
            }}
          />
        </div>
      </div>
    </GridPermissionsProvider>
  );
}
