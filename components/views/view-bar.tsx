"use client";

import { useState } from "react";
import type { ColumnDto, ViewDto } from "@/lib/client/fetchers";
import type { FilterNode } from "@/lib/views/filter-schema";
import { useGridPermissions } from "../grid/grid-permissions";
import { plural } from "../jobs/format";
import { Popover } from "../ui/popover";
import { FilterEditor } from "./filter-editor";
import { HiddenColumnsMenu } from "./hidden-columns-menu";
import { SaveViewForm } from "./save-view-form";
import { SearchBox } from "./search-box";
import { SortEditor } from "./sort-editor";
import type { TableView } from "./use-table-view";
import { ViewSwitcher } from "./view-switcher";

export type ViewPanel =
  | { kind: "filter"; addColumn?: string; nonce: number }
  | { kind: "sort" | "hidden" | "save" | "rename" }
  | null;

const BUTTON =
  "inline-flex h-8 items-center gap-1.5 rounded-md border px-3 text-sm font-medium hover:bg-slate-50 disabled:opacity-50";
const idle = `${BUTTON} border-slate-300 bg-white text-slate-700`;
const active = `${BUTTON} border-blue-300 bg-blue-50 text-blue-800`;

const countConditions = (node: FilterNode | null): number =>
  node === null
    ? 0
    : "and" in node
      ? node.and.reduce((n, c) => n + countConditions(c), 0)
      : "or" in node
        ? node.or.reduce((n, c) => n + countConditions(c), 0)
        : 1;

const rows = (n: number) => plural(n, "row");

/** The view bar: saved views, search, filter, sort, shown columns, save, and the view's row count. */
export function ViewBar({
  view,
  views,
  columns,
  rowCount,
  tableRows,
  panel,
  onPanel,
  saving,
  onSave,
  onSaveAs,
  onRename,
  onDelete,
}: {
  view: TableView;
  views: ViewDto[];
  columns: ColumnDto[];
  /** Rows in the view, undefined while it loads. */
  rowCount: number | undefined;
  tableRows: number;
  panel: ViewPanel;
  onPanel: (panel: ViewPanel) => void;
  saving: boolean;
  onSave: () => void;
  onSaveAs: (name: string) => void;
  onRename: (view: ViewDto, name: string) => void;
  onDelete: (view: ViewDto) => void;
}) {
  const [confirmDelete, setConfirmDelete] = useState(false);
  // Viewers still filter, sort and search; saving or deleting a view is a write.
  const { canWrite } = useGridPermissions();
  const { state, dispatch, choose, saved, dirty } = view;
  const close = () => onPanel(null);
  const toggle = (kind: "sort" | "hidden" | "save" | "rename") => onPanel(panel?.kind === kind ? null : { kind });
  const conditions = countConditions(state.filter);
  const filtered = state.filter !== null || view.query.q.trim() !== "";
  return (
    <div
      role="toolbar"
      aria-label="View"
      className="flex flex-wrap items-center gap-2 border-b border-slate-200 bg-slate-50/60 px-4 py-2"
    >
      <ViewSwitcher
        views={views}
        current={saved?.id ?? null}
        onSelect={(next) => {
          setConfirmDelete(false);
          choose(next);
        }}
      />
      <SearchBox value={view.search} onChange={view.setSearch} />
      <div className="relative">
        <button
          type="button"
          aria-expanded={panel?.kind === "filter"}
          onClick={() => onPanel(panel?.kind === "filter" ? null : { kind: "filter", nonce: Date.now() })}
          className={conditions > 0 ? active : idle}
        >
          Filter{conditions > 0 ? ` · ${conditions}` : ""}
        </button>
        {panel?.kind === "filter" ? (
          <Popover label="Filter" onClose={close} className="w-[38rem]">
            <FilterEditor
              key={panel.nonce}
              filter={state.filter}
              columns={columns}
              addColumn={panel.addColumn}
              onApply={(filter) => dispatch({ type: "filter", filter })}
            />
          </Popover>
        ) : null}
      </div>
      <div className="relative">
        <button
          type="button"
          aria-expanded={panel?.kind === "sort"}
          onClick={() => toggle("sort")}
          className={state.sort.length > 0 ? active : idle}
        >
          Sort{state.sort.length > 0 ? ` · ${state.sort.length}` : ""}
        </button>
        {panel?.kind === "sort" ? (
          <Popover label="Sort" onClose={close}>
            <SortEditor sort={state.sort} columns={columns} onChange={(sort) => dispatch({ type: "sort", sort })} />
          </Popover>
        ) : null}
      </div>
      <div className="relative">
        <button
          type="button"
          aria-expanded={panel?.kind === "hidden"}
          onClick={() => toggle("hidden")}
          className={state.hiddenColumns.length > 0 ? active : idle}
        >
          Columns{state.hiddenColumns.length > 0 ? ` · ${state.hiddenColumns.length} hidden` : ""}
        </button>
        {panel?.kind === "hidden" ? (
          <Popover label="Shown columns" onClose={close}>
            <HiddenColumnsMenu
              columns={columns}
              hidden={state.hiddenColumns}
              onShow={(column) => dispatch({ type: "show", column })}
              onHide={(column) => dispatch({ type: "hide", column })}
            />
          </Popover>
        ) : null}
      </div>
      {canWrite && saved && dirty ? (
        <button type="button" onClick={onSave} disabled={saving} className={active}>
          Save view
        </button>
      ) : null}
      {canWrite && (dirty || saved) ? (
        <div className="relative">
          <button type="button" aria-expanded={panel?.kind === "save"} onClick={() => toggle("save")} className={idle}>
            Save as…
          </button>
          {panel?.kind === "save" ? (
            <Popover label="Save as a new view" onClose={close}>
              <SaveViewForm pending={saving} onSave={onSaveAs} />
            </Popover>
          ) : null}
        </div>
      ) : null}
      {canWrite && saved ? (
        <div className="relative">
          <button
            type="button"
            aria-expanded={panel?.kind === "rename"}
            onClick={() => toggle("rename")}
            className={`${BUTTON} border-transparent text-slate-700`}
          >
            Rename…
          </button>
          {panel?.kind === "rename" ? (
            <Popover label="Rename the view" onClose={close}>
              <SaveViewForm
                key={saved.id}
                pending={saving}
                initial={saved.name}
                label="Rename view"
                onSave={(name) => onRename(saved, name)}
              />
            </Popover>
          ) : null}
        </div>
      ) : null}
      {canWrite && saved ? (
        <button
          type="button"
          onClick={() => {
            if (!confirmDelete) return setConfirmDelete(true);
            setConfirmDelete(false);
            onDelete(saved);
          }}
          onBlur={() => setConfirmDelete(false)}
          className={`${BUTTON} border-transparent text-red-700`}
        >
          {confirmDelete ? `Confirm: delete “${saved.name}”` : "Delete view"}
        </button>
      ) : null}
      <output aria-live="polite" className="ml-auto text-sm text-slate-500 tabular-nums">
        {rowCount === undefined
          ? "Counting rows…"
          : filtered
            ? `${rows(rowCount)} of ${tableRows.toLocaleString("en-US")}`
            : rows(rowCount)}
      </output>
    </div>
  );
}
