"use client";

import type { ColumnDto, JobDto } from "@/lib/client/fetchers";
import { JobsPanel } from "../jobs/jobs-panel";
import { CellHistoryPanel, type InspectedCell } from "../provenance/cell-history-panel";
import { RecipeEditor } from "../recipes/recipe-editor";

/** What the right-hand panel of the table shows, if anything. */
export type SidePanel =
  | { kind: "jobs" }
  | { kind: "cell"; cell: InspectedCell }
  | { kind: "recipe"; columnId: string }
  | null;

/** The one side panel of the workspace: jobs, a cell's history, or a column's enrichment setup. */
export function WorkspaceSidePanel({
  panel,
  tableId,
  columns,
  jobs,
  jobsLoading,
  onChange,
  onRunColumn,
}: {
  panel: SidePanel;
  tableId: string;
  columns: ColumnDto[];
  jobs: JobDto[];
  jobsLoading: boolean;
  onChange: (panel: SidePanel) => void;
  /** Enrich the whole column (the view's rows). */
  onRunColumn: (columnId: string) => void;
}) {
  const close = () => onChange(null);
  if (panel?.kind === "jobs")
    return <JobsPanel tableId={tableId} columns={columns} jobs={jobs} loading={jobsLoading} onClose={close} />;
  if (panel?.kind === "cell")
    return (
      <CellHistoryPanel
        key={`${panel.cell.rowId}:${panel.cell.columnId}`}
        tableId={tableId}
        cell={panel.cell}
        onClose={close}
      />
    );
  if (panel?.kind === "recipe") {
    const column = columns.find((c) => c.id === panel.columnId);
    if (!column) return null;
    return (
      <RecipeEditor
        key={column.id}
        tableId={tableId}
        column={column}
        columns={columns}
        onClose={close}
        onRunColumn={() => onRunColumn(column.id)}
        onInspect={(rowId) =>
          onChange({ kind: "cell", cell: { rowId, columnId: column.id, columnLabel: column.label } })
        }
      />
    );
  }
  return null;
}
