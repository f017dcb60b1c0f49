"use client";

import { MAX_SEARCH_TEXT } from "@/lib/views/filter-schema";

/** Search across every value of the table; the grid asks the server once typing pauses. */
export function SearchBox({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  return (
    <div className="relative">
      <input
        type="search"
        aria-label="Search rows"
        placeholder="Search…"
        value={value}
        maxLength={MAX_SEARCH_TEXT}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape") onChange("");
        }}
        className="h-8 w-52 rounded-md border border-slate-300 bg-white px-2.5 text-sm outline-none focus:border-blue-500 focus:ring-2 focus:ring-blue-200"
      />
    </div>
  );
}
