"use client";

import { useState } from "react";
import type { ColumnDto } from "@/lib/columns/serialize";
import { PopupMenu } from "../ui/popup-menu";
import { useGridPermissions } from "./grid-permissions";

export type ColumnMenuActions = {
  enrichColumn: (col: number) => void;
  rename: (column: ColumnDto, label: string) => void;
  move: (column: ColumnDto, order: number) => void;
  remove: (column: ColumnDto) => void;
};

/** The ⋯ menu of a column header: enrich, rename, move, delete (delete asks once more). */
export function ColumnMenu({
  x,
  y,
  col,
  columns,
  actions,
  onClose,
}: {
  x: number;
  y: number;
  col: number;
  columns: ColumnDto[];
  actions: ColumnMenuActions;
  onClose: () => void;
}) {
  const column = columns[col];
  const { canWrite, canEnrich } = useGridPermissions();
  const [renaming, setRenaming] = useState(false);
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
  return (
    <PopupMenu
      key="menu"
      x={x}
      y={y}
      label={`Column ${column.label}`}
      onClose={onClose}
      items={[
        ...(canEnrich ? [{ label: "Enrich column (all rows)", onSelect: () => actions.enrichColumn(col) }] : []),
        ...(canWrite ? writeItems(column, col, columns.length, actions, confirming, setRenaming, setConfirming) : []),
      ]}
    />
  );
}

function writeItems(
  column: ColumnDto,
  col: number,
  count: number,
  actions: ColumnMenuActions,
  confirming: boolean,
  setRenaming: (on: boolean) => void,
  setConfirming: (on: boolean) => void,
) {
  return [
    { label: "Rename…", keepOpen: true, onSelect: () => setRenaming(true) },
    { label: "Move left", disabled: col === 0, onSelect: () => actions.move(column, col - 1) },
    { label: "Move right", disabled: col === count - 1, onSelect: () => actions.move(column, col + 1) },
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
