"use client";

import { type DraftCondition, isComplete, needsValue, valueHint } from "@/lib/client/filter-edit";
import type { ColumnDto } from "@/lib/columns/serialize";
import { type ColumnOperator, OPERATORS_BY_TYPE, operatorLabel } from "@/lib/views/operators";

const FIELD =
  "h-8 rounded-md border border-slate-300 bg-white px-2 text-sm outline-none focus:border-blue-500 focus:ring-2 focus:ring-blue-200";

const PLACEHOLDER: Record<ColumnDto["dataType"], string> = {
  text: "text",
  url: "text",
  email: "text",
  number: "a number",
  date: "2024-05-01",
  boolean: "",
};

/** One condition of the filter editor: column, operator, value (typed for the column). */
export function FilterConditionRow({
  index,
  condition,
  columns,
  onColumn,
  onChange,
  onRemove,
}: {
  index: number;
  condition: DraftCondition;
  columns: ColumnDto[];
  onColumn: (column: ColumnDto) => void;
  onChange: (condition: DraftCondition) => void;
  onRemove: () => void;
}) {
  const column = columns.find((c) => c.key === condition.column);
  if (!column) return null;
  const complete = isComplete(condition, columns);
  const invalid = condition.value !== "" && !complete;
  const n = index + 1;
  return (
    <li className="flex flex-wrap items-center gap-2" data-complete={complete}>
      <select
        aria-label={`Condition ${n} column`}
        value={column.key}
        onChange={(event) => {
          const next = columns.find((c) => c.key === event.target.value);
          if (next) onColumn(next);
        }}
        className={`${FIELD} w-40`}
      >
        {columns.map((c) => (
          <option key={c.id} value={c.key}>
            {c.label}
          </option>
        ))}
      </select>
      <select
        aria-label={`Condition ${n} operator`}
        value={condition.op}
        onChange={(event) => onChange({ ...condition, op: event.target.value as ColumnOperator })}
        className={`${FIELD} w-40`}
      >
        {OPERATORS_BY_TYPE[column.dataType].map((op) => (
          <option key={op} value={op}>
            {operatorLabel(column.dataType, op)}
          </option>
        ))}
      </select>
      {!needsValue(condition.op) ? (
        <span className="w-44" />
      ) : column.dataType === "boolean" ? (
        <select
          aria-label={`Condition ${n} value`}
          value={condition.value}
          onChange={(event) => onChange({ ...condition, value: event.target.value })}
          className={`${FIELD} w-44`}
        >
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      ) : (
        <input
          aria-label={`Condition ${n} value`}
          aria-invalid={invalid}
          aria-describedby={invalid ? `condition-${n}-hint` : undefined}
          value={condition.value}
          placeholder={PLACEHOLDER[column.dataType]}
          maxLength={1000}
          inputMode={column.dataType === "number" ? "decimal" : undefined}
          onChange={(event) => onChange({ ...condition, value: event.target.value })}
          className={`${FIELD} w-44 aria-invalid:border-red-400`}
        />
      )}
      <button
        type="button"
        aria-label={`Remove condition ${n}`}
        onClick={onRemove}
        className="rounded px-1.5 text-slate-400 hover:bg-slate-100 hover:text-slate-700"
      >
        ✕
      </button>
      {invalid ? (
        // The condition is left out of the view until its value reads: said, not only shown red.
        <p id={`condition-${n}-hint`} role="alert" className="w-full text-xs text-red-700">
          {valueHint(column.dataType) || "This value cannot be compared"}: this condition is not applied yet.
        </p>
      ) : null}
    </li>
  );
}
