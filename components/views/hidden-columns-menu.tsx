"use client";

import type { ColumnDto } from "@/lib/columns/serialize";

/** Which columns the view shows: a checkbox per column. */
export function HiddenColumnsMenu({
  columns,
  hidden,
  onShow,
  onHide,
}: {
  columns: ColumnDto[];
  hidden: string[];
  onShow: (key: string) => void;
  onHide: (key: string) => void;
}) {
  return (
    <ul className="flex max-h-80 w-60 flex-col gap-1 overflow-auto">
      {columns.map((column) => {
        const shown = !hidden.includes(column.key);
        return (
          <li key={column.id}>
            <label className="flex items-center gap-2 rounded px-1 py-0.5 hover:bg-slate-50">
              <input
                type="checkbox"
                checked={shown}
                // The last shown column stays: a grid of no columns would have nothing to select.
                disabled={shown && hidden.length >= columns.length - 1}
                onChange={() => (shown ? onHide(column.key) : onShow(column.key))}
              />
              <span className="truncate">{column.label}</span>
            </label>
          </li>
        );
      })}
    </ul>
  );
}
