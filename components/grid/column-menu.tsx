"use client";

import { useState } from "react";
import type { ColumnDto } from "@/lib/columns/serialize";
import { PopupMenu } from "../ui/popup-menu";
import { TYPES } from "./add-column-form";
import { useGridPermissions } from "./grid-permissions";

export type ColumnMenuActions = {
  /** The column's cells in the view; `emptyOnly`: only those without a value. */
  enrichColumn: (col: number, emptyOnly?: boolean) => void;
  sort: (column: ColumnDto, direction: "asc" | "desc") => void;
  filterBy: (column: ColumnDto) => void;
  hide: (column: ColumnDto) => void;
  setup: (column: ColumnDto) => void;
  rename: (column: ColumnDto, label: string) => void;
  /** Changes how the column's values are read: sorted, filtered, shown and edited (they are kept as they are). */
  retype: (column: ColumnDto, dataType: ColumnDto["dataType"]) => void;
  /** Move to `order`, the place of another column among all the table's columns. */
  move: (column: ColumnDto, order: number) => void;
  remove: (column: ColumnDto) => void;
};

/**
 * The ⋯ menu of a column header: enrich (the view's rows), sort, filter by, hide, rename, change
 * type, move, delete (delete asks once more). `columns` are the shown ones. Sorting, filtering and hiding
 * only change the person's view; the rest needs the permission it spends.
 */
export function ColumnMenu({
  x,
  y,
  col,
  columns,
  enrichLabel,
  actions,
  onClose,
}: {
  x: number;
  y: number;
  col: number;
  columns: ColumnDto[];
  enrichLabel: string;
  actions: ColumnMenuActions;
  onClose: () => void;
}) {
  const column = columns[col];
  const { canWrite, canEnrich } = useGridPermissions();
  const [renaming, setRenaming] = useState(false);
  const [retyping, setRetyping] = useState(false);
  const [confirming, setConfirming] = useState(false);
  if (!column) return null;
  if (renaming) {
    return (
      <PopupMenu key="rename" x={x} y={y} label={`Rename ${column.label}`} items={[]} onClose={onClose}>
        <form
          className="flex flex-col gap-2 p-3"
          onSubmit={(event) => {
            event.preventDefault();
            const label = String(new FormData(event.currentTarget).get("label") ?? "").trim();
            if (label && label !== column.label) actions.rename(column, label);
            onClose();
          }}
        >
          <label className="text-xs font-medium text-slate-600" htmlFor="rename-column">
            Column name
          </label>
          <input
            id="rename-column"
            name="label"
            defaultValue={column.label}
            maxLength={200}
            required
            className="rounded-md border border-slate-300 px-2 py-1 text-sm outline-none focus:border-blue-500 focus:ring-2 focus:ring-blue-200"
          />
          <button
            type="submit"
            className="self-end rounded-md bg-slate-900 px-3 py-1 text-xs font-medium text-white hover:bg-slate-700"
          >
            Rename
          </button>
        </form>
      </PopupMenu>
    );
  }
  if (retyping) {
    return (
      <PopupMenu key="retype" x={x} y={y} label={`Type of ${column.label}`} items={[]} onClose={onClose}>
        <form
          className="flex flex-col gap-2 p-3"
          onSubmit={(event) => {
            event.preventDefault();
            const dataType = String(new FormData(event.currentTarget).get("dataType")) as ColumnDto["dataType"];
            if (dataType !== column.dataType) actions.retype(column, dataType);
            onClose();
          }}
        >
          <label className="text-xs font-medium text-slate-600" htmlFor="retype-column">
            Column type
          </label>
          <select
            id="retype-column"
            name="dataType"
            defaultValue={column.dataType}
            className="rounded-md border border-slate-300 px-2 py-1 text-sm"
          >
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          <p className="max-w-56 text-xs text-slate-500">
            Values stay as they are; the type decides how they sort, filter and show.
          </p>
          <button
            type="submit"
            className="self-end rounded-md bg-slate-900 px-3 py-1 text-xs font-medium text-white hover:bg-slate-700"
          >
            Change type
          </button>
        </form>
      </PopupMenu>
    );
  }
  return (
    <PopupMenu
      key="menu"
      x={x}
      y={y}
      label={`Column ${column.label}`}
      onClose={onClose}
      items={[
        ...(canEnrich
          ? [
              { label: enrichLabel, onSelect: () => actions.enrichColumn(col) },
              { label: "Enrich empty cells only", onSelect: () => actions.enrichColumn(col, true) },
            ]
          : []),
        { label: "Sort ascending", onSelect: () => actions.sort(column, "asc") },
        { label: "Sort descending", onSelect: () => actions.sort(column, "desc") },
        { label: "Filter by this column…", onSelect: () => actions.filterBy(column) },
        { label: "Hide column", disabled: columns.length === 1, onSelect: () => actions.hide(column) },
        ...(canWrite
          ? writeItems(column, col, columns, actions, confirming, setRenaming, setRetyping, setConfirming)
          : []),
      ]}
    />
  );
}

function writeItems(
  column: ColumnDto,
  col: number,
  columns: ColumnDto[],
  actions: ColumnMenuActions,
  confirming: boolean,
  setRenaming: (on: boolean) => void,
  setRetyping: (on: boolean) => void,
  setConfirming: (on: boolean) => void,
) {
  return [
    { label: column.recipe ? "Enrichment setup…" : "Set up enrichment…", onSelect: () => actions.setup(column) },
    { label: "Rename…", keepOpen: true, onSelect: () => setRenaming(true) },
    { label: `Change type (${column.dataType})…`, keepOpen: true, onSelect: () => setRetyping(true) },
    { label: "Move left", disabled: col === 0, onSelect: () => actions.move(column, columns[col - 1].order) },
    {
      label: "Move right",
      disabled: col === columns.length - 1,
      onSelect: () => actions.move(column, columns[col + 1]?.order ?? column.order),
    },
    confirming
      ? {
          id: "delete",
          label: `Confirm: delete “${column.label}” and its values`,
          danger: true,
          onSelect: () => actions.remove(column),
        }
      : {
          id: "delete",
          label: "Delete column…",
          danger: true,
          keepOpen: true,
          onSelect: () => setConfirming(true),
        },
  ];
}
