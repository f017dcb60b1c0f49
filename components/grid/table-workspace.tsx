"use client";

import { useQuery } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import type { Permission } from "@/lib/auth/permissions";
import { type ColumnDto, fetchers, type TableDto } from "@/lib/client/fetchers";
import { countCells, emptySelection, type GridSelection, rectsOf, selectColumn } from "@/lib/client/grid-selection";
import { isActiveJob } from "@/lib/client/job-state";
import { queryKeys } from "@/lib/client/query-keys";
import { JobProgress } from "../jobs/job-progress";
import { JobsPanel } from "../jobs/jobs-panel";
import type { ColumnMenuActions } from "./column-menu";
import { DataGrid } from "./data-grid";
import { EmptyTable } from "./empty-table";
import { GridPermissionsProvider } from "./grid-permissions";
import { GridToolbar } from "./grid-toolbar";
import { useColumnActions } from "./use-column-actions";
import { useEnrichSelection } from "./use-enrich-selection";
import { useLiveStatus } from "./use-live-status";
import { useRowEdits } from "./use-row-edits";

const NO_COLUMNS: ColumnDto[] = [];

/** The interactive table: toolbar, progress, grid and jobs panel, sharing one selection. */
export function TableWorkspace({ initialTable, permissions }: { initialTable: TableDto; permissions: Permission[] }) {
  const tableId = initialTable.id;
  const { data: table } = useQuery({
    queryKey: queryKeys.tableMeta(tableId),
    queryFn: ({ signal }) => fetchers.getTable(tableId, signal),
    initialData: initialTable,
    meta: { errorTitle: "Could not load the table" },
  });
  const columns = table.columns ?? NO_COLUMNS;
  const dims = useMemo(() => ({ rows: table.rowCount, cols: columns.length }), [table.rowCount, columns.length]);
  const [selection, setSelection] = useState<GridSelection>(emptySelection);
  const [jobsOpen, setJobsOpen] = useState(false);
  const live = useLiveStatus(tableId, columns);
  const enrich = useEnrichSelection(tableId, columns, dims);
  const { addRow } = useRowEdits(tableId, columns);
  const { addColumn, updateColumn, deleteColumn } = useColumnActions(tableId);

  const update = useCallback((fn: (s: GridSelection) => GridSelection) => setSelection(fn), []);
  const selectedCells = useMemo(() => countCells(rectsOf(selection, dims)), [selection, dims]);
  const onEnrich = useCallback((target?: GridSelection) => enrich.mutate(target ?? selection), [enrich, selection]);

  const columnActions = useMemo<ColumnMenuActions>(
    () => ({
      enrichColumn: (col) => {
        const next = selectColumn(emptySelection, col);
        setSelection(next);
        enrich.mutate(next);
      },
      rename: (column, label) => updateColumn.mutate({ columnId: column.id, patch: { label } }),
      move: (column, order) => {
        // Keep whole-column selections on the moved column rather than on its old index.
        setSelection(emptySelection);
        updateColumn.mutate({ columnId: column.id, patch: { order } });
      },
      remove: (column) => {
        setSelection(emptySelection);
        deleteColumn.mutate(column);
      },
    }),
    [enrich, updateColumn, deleteColumn],
  );

  const activeJobs = live.jobs.filter(isActiveJob);
  const currentJob = activeJobs[0] ?? live.jobs[0];

  return (
    <GridPermissionsProvider permissions={permissions}>
      <div className="flex min-h-0 flex-1 flex-col">
        <GridToolbar
          tableId={tableId}
          selectedCells={selectedCells}
          enriching={enrich.isPending}
          onEnrich={() => onEnrich()}
          addingRow={addRow.isPending}
          onAddRow={() =>
            addRow.mutate(undefined, {
              onSuccess: () =>
                setSelection({
                  ranges: [{ kind: "cells", anchor: { row: dims.rows, col: 0 }, focus: { row: dims.rows, col: 0 } }],
                  active: { row: dims.rows, col: 0 },
                }),
            })
          }
          addingColumn={addColumn.isPending}
          onAddColumn={(column, done) => addColumn.mutate(column, { onSuccess: done })}
          exportUrl={fetchers.exportUrl(tableId)}
          jobsOpen={jobsOpen}
          activeJobs={activeJobs.length}
          onToggleJobs={() => setJobsOpen((o) => !o)}
        />
        <JobProgress job={currentJob} activeCount={activeJobs.length} />
        <div className="flex min-h-0 flex-1">
          {columns.length === 0 || table.rowCount === 0 ? (
            <EmptyTable tableId={tableId} hasColumns={columns.length > 0} onAddRow={() => addRow.mutate()} />
          ) : (
            <DataGrid
              tableId={tableId}
              tableName={table.name}
              columns={columns}
              rowCount={table.rowCount}
              ready={live.ready}
              selection={selection}
              onSelectionChange={update}
              onEnrich={onEnrich}
              columnActions={columnActions}
            />
          )}
          {jobsOpen ? (
            <JobsPanel
              tableId={tableId}
              jobs={live.jobs}
              loading={live.jobsLoading}
              onClose={() => setJobsOpen(false)}
            />
          ) : null}
        </div>
      </div>
    </GridPermissionsProvider>
  );
}
