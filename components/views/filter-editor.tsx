"use client";

import { useState } from "react";
import { changeColumn, draftFor, type FlatFilter, fromFlat, type Join, toFlat } from "@/lib/client/filter-edit";
import type { ColumnDto } from "@/lib/columns/serialize";
import type { FilterNode } from "@/lib/views/filter-schema";

import { FilterConditionRow } from "./filter-condition-row";

const FIELD =
  "h-8 rounded-md border border-slate-300 bg-white px-2 text-sm outline-none focus:border-blue-500 focus:ring-2 focus:ring-blue-200";

/**
 * The filter of the view: conditions joined by "and" or "or", applied as they become complete.
 * A filter made through the API with nested groups or status conditions is shown as such and
 * can be cleared, not edited here.
 */
export function FilterEditor({
  filter,
  columns,
  addColumn,
  onApply,
}: {
  filter: FilterNode | null;
  columns: ColumnDto[];
  /** Opened from a column's menu: start a condition on that column. */
  addColumn?: string;
  onApply: (filter: FilterNode | null) => void;
}) {
  const [draft, setDraft] = useState<FlatFilter | null>(() => {
    const flat = toFlat(filter);
    const column = columns.find((c) => c.key === addColumn);
    return flat && column ? { ...flat, conditions: [...flat.conditions, draftFor(column)] } : flat;
  });
  if (!draft) {
    return (
      <div className="flex w-96 flex-col gap-2">
        <p className="text-slate-600">
          This view's filter has nested groups or status conditions; edit it through the API.
        </p>
        <pre className="max-h-40 overflow-auto rounded bg-slate-50 p-2 text-xs">{JSON.stringify(filter, null, 2)}</pre>
        <button
          type="button"
          onClick={() => onApply(null)}
          className="self-start text-sm text-blue-700 hover:underline"
        >
          Clear filter
        </button>
      </div>
    );
  }
  const change = (next: FlatFilter) => {
    setDraft(next);
    onApply(fromFlat(next, columns));
  };
  const replace = (index: number, condition: FlatFilter["conditions"][number]) =>
    change({ ...draft, conditions: draft.conditions.map((c, i) => (i === index ? condition : c)) });
  return (
    <div className="flex flex-col gap-3">
      {draft.conditions.length === 0 ? (
        <p className="text-slate-500">No conditions: every row is shown.</p>
      ) : (
        <>
          <label className="flex items-center gap-2 text-xs text-slate-600">
            Show rows matching
            <select
              aria-label="Match"
              value={draft.join}
              onChange={(event) => change({ ...draft, join: event.target.value as Join })}
              className={FIELD}
            >
              <option value="and">all conditions</option>
              <option value="or">any condition</option>
            </select>
          </label>
          <ul className="flex flex-col gap-2">
            {draft.conditions.map((condition, index) => (
              <FilterConditionRow
                // biome-ignore lint/suspicious/noArrayIndexKey: conditions have no identity but their place
                key={index}
                index={index}
                condition={condition}
                columns={columns}
                onColumn={(column) => replace(index, changeColumn(condition, column))}
                onChange={(next) => replace(index, next)}
                onRemove={() => change({ ...draft, conditions: draft.conditions.filter((_, i) => i !== index) })}
              />
            ))}
          </ul>
        </>
      )}
      <div className="flex gap-3">
        <button
          type="button"
          disabled={columns.length === 0}
          onClick={() => change({ ...draft, conditions: [...draft.conditions, draftFor(columns[0])] })}
          className="text-sm font-medium text-blue-700 hover:underline disabled:opacity-40"
        >
          + Add condition
        </button>
        {draft.conditions.length > 0 ? (
          <button
            type="button"
            onClick={() => change({ ...draft, conditions: [] })}
            className="text-sm text-slate-500 hover:underline"
          >
            Clear
          </button>
        ) : null}
      </div>
    </div>
  );
}
