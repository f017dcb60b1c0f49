"use client";

import { useState } from "react";
import type { ColumnDto } from "@/lib/columns/serialize";
import { headerToKey } from "@/lib/csv/header-key";

export const TYPES: ColumnDto["dataType"][] = ["text", "email", "url", "number", "boolean", "date"];

/** New column: a label, a key derived from it (editable) and a type. */
export function AddColumnForm({
  onSubmit,
  onClose,
  pending,
  takenKeys = [],
}: {
  onSubmit: (column: { key: string; label: string; dataType: ColumnDto["dataType"] }) => void;
  onClose: () => void;
  pending: boolean;
  /** The table's keys (hidden columns' too): one of them is said at the field, before sending. */
  takenKeys?: readonly string[];
}) {
  const [label, setLabel] = useState("");
  const [key, setKey] = useState<string | null>(null);
  const [dataType, setDataType] = useState<ColumnDto["dataType"]>("text");
  const derived = key ?? (label ? headerToKey(label) : "");
  const taken = takenKeys.includes(derived);
  return (
    <form
      aria-label="Add column"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit({ key: derived, label: label.trim(), dataType });
      }}
      onKeyDown={(event) => {
        if (event.key === "Escape") onClose();
      }}
      className="absolute top-full right-0 z-40 mt-2 flex w-72 flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-xl"
    >
      <label className="flex flex-col gap-1">
        <span className="text-xs font-medium text-slate-600">Column name</span>
        <input
          // biome-ignore lint/a11y/noAutofocus: the form opens because the user asked for it
          autoFocus
          required
          maxLength={200}
          value={label}
          onChange={(e) => setLabel(e.target.value)}
          className="rounded-md border border-slate-300 px-2 py-1 outline-none focus:border-blue-500 focus:ring-2 focus:ring-blue-200"
        />
      </label>
      <label className="flex flex-col gap-1">
        <span className="text-xs font-medium text-slate-600">Key</span>
        <input
          required
          pattern="[a-z][a-z0-9_]{0,62}"
          title="Lowercase letters, digits and _; starts with a letter"
          value={derived}
          onChange={(e) => setKey(e.target.value)}
          className="rounded-md border border-slate-300 px-2 py-1 font-mono text-xs outline-none focus:border-blue-500 focus:ring-2 focus:ring-blue-200"
        />
        {taken ? (
          <span role="alert" className="text-[11px] text-red-700">
            A column with the key “{derived}” already exists: change the key.
          </span>
        ) : (
          <span className="text-[11px] text-slate-400">
            The key names the column in the API and in CSV files; it cannot change later.
          </span>
        )}
      </label>
      <label className="flex flex-col gap-1">
        <span className="text-xs font-medium text-slate-600">Type</span>
        <select
          value={dataType}
          onChange={(e) => setDataType(e.target.value as ColumnDto["dataType"])}
          className="rounded-md border border-slate-300 px-2 py-1 outline-none focus:border-blue-500"
        >
          {TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <div className="flex justify-end gap-2">
        <button type="button" onClick={onClose} className="rounded-md px-3 py-1 text-slate-600 hover:bg-slate-100">
          Cancel
        </button>
        <button
          type="submit"
          disabled={pending || taken}
          className="rounded-md bg-slate-900 px-3 py-1 font-medium text-white hover:bg-slate-700 disabled:opacity-50"
        >
          Add column
        </button>
      </div>
    </form>
  );
}
