"use client";

import type { ViewDto } from "@/lib/client/fetchers";

/** The saved views of the table, and "All rows" (the table's own rows and order). */
export function ViewSwitcher({
  views,
  current,
  onSelect,
}: {
  views: ViewDto[];
  current: string | null;
  onSelect: (view: ViewDto | null) => void;
}) {
  return (
    <select
      aria-label="View"
      value={current ?? ""}
      onChange={(event) => onSelect(views.find((v) => v.id === event.target.value) ?? null)}
      className="h-8 max-w-48 rounded-md border border-slate-300 bg-white px-2 text-sm font-medium text-slate-800 outline-none focus:border-blue-500 focus:ring-2 focus:ring-blue-200"
    >
      <option value="">All rows</option>
      {views.map((view) => (
        <option key={view.id} value={view.id}>
          {view.name}
        </option>
      ))}
    </select>
  );
}
