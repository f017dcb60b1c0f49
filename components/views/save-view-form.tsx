"use client";

import { useState } from "react";

/** A view's name, unique in the table (the API says so when it is not): saving a new view, or renaming one. */
export function SaveViewForm({
  pending,
  onSave,
  initial = "",
  label = "Save view",
}: {
  pending: boolean;
  onSave: (name: string) => void;
  initial?: string;
  label?: string;
}) {
  const [name, setName] = useState(initial);
  return (
    <form
      aria-label={label}
      className="flex w-64 flex-col gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        if (name.trim()) onSave(name.trim());
      }}
    >
      <label className="flex flex-col gap-1">
        <span className="text-xs font-medium text-slate-600">View name</span>
        <input
          // biome-ignore lint/a11y/noAutofocus: the form opens because the user asked for it
          autoFocus
          required
          maxLength={100}
          value={name}
          onChange={(event) => setName(event.target.value)}
          className="rounded-md border border-slate-300 px-2 py-1 outline-none focus:border-blue-500 focus:ring-2 focus:ring-blue-200"
        />
      </label>
      <button
        type="submit"
        disabled={pending}
        className="self-end rounded-md bg-slate-900 px-3 py-1 text-xs font-medium text-white hover:bg-slate-700 disabled:opacity-50"
      >
        {pending ? "Saving…" : label}
      </button>
    </form>
  );
}
