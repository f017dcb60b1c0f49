"use client";

import type { ColumnDto } from "@/lib/columns/serialize";
import { MAX_SORT_KEYS, type SortKey } from "@/lib/views/filter-schema";

const FIELD =
  "h-8 rounded-md border border-slate-300 bg-white px-2 text-sm outline-none focus:border-blue-500 focus:ring-2 focus:ring-blue-200";

/** The view's sort keys, in order of precedence; ties keep the table's order. */
export function SortEditor({
  sort,
  columns,
  onChange,
}: {
  sort: SortKey[];
  columns: ColumnDto[];
  onChange: (sort: SortKey[]) => void;
}) {
  const labelOf = (key: string) => columns.find((c) => c.key === key)?.label ?? key;
  const unused = columns.filter((c) => !sort.some((s) => s.column === c.key));
  return (
    <div className="flex w-80 flex-col gap-3">
      {sort.length === 0 ? <p className="text-slate-500">The table's order.</p> : null}
      <ol className="flex flex-col gap-2">
        {sort.map((key, index) => (
          <li key={key.column} className="flex items-center gap-2">
            <span className="w-12 text-xs text-slate-500">{index === 0 ? "Sort by" : "then by"}</span>
            <span className="flex-1 truncate font-medium">{labelOf(key.column)}</span>
            <select
              aria-label={`${labelOf(key.column)} direction`}
              value={key.direction}
              onChange={(event) =>
                onChange(
                  sort.map((s, i) =>
                    i === index ? { ...s, direction: event.target.value as SortKey["direction"] } : s,
                  ),
                )
              }
              className={FIELD}
            >
              <option value="asc">ascending</option>
              <option value="desc">descending</option>
            </select>
            <button
              type="button"
              aria-label={`Stop sorting by ${labelOf(key.column)}`}
              onClick={() => onChange(sort.filter((_, i) => i !== index))}
              className="rounded px-1.5 text-slate-400 hover:bg-slate-100 hover:text-slate-700"
            >
              ✕
            </button>
          </li>
        ))}
      </ol>
      {unused.length > 0 && sort.length < MAX_SORT_KEYS ? (
        <select
          aria-label="Add a sort column"
          value=""
          onChange={(event) => onChange([...sort, { column: event.target.value, direction: "asc" }])}
          className={FIELD}
        >
          <option value="" disabled>
            + Sort by another column…
          </option>
          {unused.map((c) => (
            <option key={c.id} value={c.key}>
              {c.label}
            </option>
          ))}
        </select>
      ) : null}
    </div>
  );
}
