"use client";

import { useState } from "react";
import type { EstimateDto } from "@/lib/client/fetchers";
import type { ColumnDto } from "@/lib/columns/serialize";
import { ImportCsvButton } from "../csv/import-csv-button";
import { Popover } from "../ui/popover";
import { AddColumnForm } from "./add-column-form";
import { EnrichEstimate } from "./enrich-estimate";
import { useGridPermissions } from "./grid-permissions";

const BUTTON =
  "inline-flex h-8 items-center gap-1.5 rounded-md border border-slate-300 bg-white px-3 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-50";

export function GridToolbar({
  selectedCells,
  enriching,
  onEnrich,
  onAddRow,
  addingRow,
  onAddColumn,
  addingColumn,
  exportUrl,
  exportsView,
  tableId,
  columnKeys,
  jobsOpen,
  activeJobs,
  onToggleJobs,
  estimate,
  estimating,
}: {
  estimate: EstimateDto | undefined;
  estimating: boolean;
  selectedCells: number;
  enriching: boolean;
  onEnrich: () => void;
  onAddRow: () => void;
  addingRow: boolean;
  onAddColumn: (column: { key: string; label: string; dataType: ColumnDto["dataType"] }, done: () => void) => void;
  addingColumn: boolean;
  exportUrl: string;
  /** The download is of a view (some rows, an order or some columns), not of the whole table. */
  exportsView: boolean;
  tableId: string;
  /** Keys of every column of the table, shown or hidden. */
  columnKeys: readonly string[];
  jobsOpen: boolean;
  activeJobs: number;
  onToggleJobs: () => void;
}) {
  const [addOpen, setAddOpen] = useState(false);
  const [exportOpen, setExportOpen] = useState(false);
  const { canWrite, canEnrich } = useGridPermissions();
  return (
    <div
      role="toolbar"
      aria-label="Table actions"
      className="flex flex-wrap items-center gap-2 border-b border-slate-200 bg-white px-4 py-2"
    >
      {canEnrich ? (
        <button
          type="button"
          onClick={onEnrich}
          disabled={selectedCells === 0 || enriching}
          title="Enrich the selected cells (Ctrl/⌘+E)"
          className="inline-flex h-8 items-center gap-1.5 rounded-md bg-blue-600 px-3.5 text-sm font-semibold text-white shadow-sm hover:bg-blue-700 disabled:bg-slate-300"
        >
          <span aria-hidden="true">✦</span> {enriching ? "Starting…" : "Enrich"}
        </button>
      ) : (
        <span className="rounded-md bg-slate-100 px-2 py-1 text-xs font-medium text-slate-600">Read only</span>
      )}
      <output aria-live="polite" className="min-w-32 text-sm tabular-nums text-slate-500">
        {selectedCells === 0
          ? "No cells selected"
          : `${selectedCells.toLocaleString("en-US")} cell${selectedCells === 1 ? "" : "s"} selected`}
      </output>
      {canEnrich && selectedCells > 0 ? <EnrichEstimate estimate={estimate} loading={estimating} /> : null}
      <div className="ml-auto flex flex-wrap items-center gap-2">
        {canWrite ? (
          <>
            <button type="button" onClick={onAddRow} disabled={addingRow} className={BUTTON}>
              + Row
            </button>
            <div className="relative">
              <button type="button" onClick={() => setAddOpen((o) => !o)} aria-expanded={addOpen} className={BUTTON}>
                + Column
              </button>
              {addOpen ? (
                <AddColumnForm
                  pending={addingColumn}
                  takenKeys={columnKeys}
                  onClose={() => setAddOpen(false)}
                  onSubmit={(column) => onAddColumn(column, () => setAddOpen(false))}
                />
              ) : null}
            </div>
            <ImportCsvButton tableId={tableId} className={BUTTON} />
          </>
        ) : null}
        <div className="relative flex items-center gap-1">
          <a
            href={exportUrl}
            download
            className={BUTTON}
            title={
              exportsView ? "Download the rows and columns of this view as CSV" : "Download the whole table as CSV"
            }
          >
            Export CSV
          </a>
          <button
            type="button"
            aria-label="More export options"
            aria-expanded={exportOpen}
            onClick={() => setExportOpen((open) => !open)}
            className={`${BUTTON} px-2`}
          >
            ▾
          </button>
          {exportOpen ? (
            <Popover label="Export options" onClose={() => setExportOpen(false)} align="right" className="w-80">
              <a
                href={`${exportUrl}${exportUrl.includes("?") ? "&" : "?"}formulas=keep`}
                download
                onClick={() => setExportOpen(false)}
                className="font-medium text-blue-700 hover:underline"
              >
                Export values as they are
              </a>
              <p className="mt-1 text-xs text-slate-500">
                Export CSV puts a ' before text that starts with = + - or @, so that a spreadsheet shows it instead of
                running it as a formula. This keeps every value as it is (a phone number "+1 415…"), for importing into
                a CRM or another tool.
              </p>
              <a
                href={`${exportUrl}${exportUrl.includes("?") ? "&" : "?"}bom=1`}
                download
                onClick={() => setExportOpen(false)}
                className="mt-3 inline-block font-medium text-blue-700 hover:underline"
              >
                Export for Excel
              </a>
              <p className="mt-1 text-xs text-slate-500">
                The same file, marked as UTF-8 so that Excel shows accents and other scripts (Zoë, 李) right.
              </p>
            </Popover>
          ) : null}
        </div>
        <button type="button" onClick={onToggleJobs} aria-pressed={jobsOpen} className={BUTTON}>
          Jobs
          {activeJobs > 0 ? (
            <span className="rounded-full bg-amber-100 px-1.5 text-xs text-amber-800 tabular-nums">{activeJobs}</span>
          ) : null}
        </button>
      </div>
    </div>
  );
}
