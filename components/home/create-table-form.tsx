"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { fetchers } from "@/lib/client/fetchers";

/** A new, empty table: a name is all it needs; columns come next, in the grid. */
export function CreateTableForm() {
  const router = useRouter();
  const create = useMutation({
    meta: { errorTitle: "Could not create the table" },
    mutationFn: (name: string) => fetchers.createTable({ name, columns: [{ key: "name", label: "Name" }] }),
    onSuccess: (table) => router.push(`/tables/${table.id}`),
  });
  return (
    <form
      aria-label="New table"
      className="flex gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        const name = String(new FormData(event.currentTarget).get("name") ?? "").trim();
        if (name) create.mutate(name);
      }}
    >
      <input
        name="name"
        required
        maxLength={200}
        placeholder="New table name"
        aria-label="New table name"
        className="h-9 w-56 rounded-md border border-slate-300 bg-white px-3 text-sm outline-none focus:border-blue-500 focus:ring-2 focus:ring-blue-200"
      />
      <button
        type="submit"
        disabled={create.isPending}
        className="h-9 rounded-md bg-slate-900 px-3 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-50"
      >
        Create
      </button>
    </form>
  );
}
