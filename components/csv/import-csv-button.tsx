"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { fetchers } from "@/lib/client/fetchers";
import { queryKeys } from "@/lib/client/query-keys";
import type { ImportProgress } from "@/lib/client/upload-csv";
import { useToast } from "../ui/toast-provider";
import { ImportProgressBar } from "./import-progress";

/**
 * Import a CSV file: into a new table (named after the file) when `tableId` is absent,
 * else appended to that table, creating columns for headers it does not have. A progress bar
 * shows the upload, then the rows inserted, while it runs.
 */
export function ImportCsvButton({ tableId, className }: { tableId?: string; className?: string }) {
  const input = useRef<HTMLInputElement>(null);
  const router = useRouter();
  const client = useQueryClient();
  const toast = useToast();
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const upload = useMutation({
    meta: { errorTitle: "Could not import the CSV" },
    mutationFn: (file: File) => {
      setProgress({ sent: 0, total: file.size, rows: 0, read: 0 });
      return tableId
        ? fetchers.importIntoTable(tableId, file, { createColumns: true }, setProgress)
        : fetchers.importNewTable(file, file.name.replace(/\.(csv|txt)$/i, "") || "Imported table", setProgress);
    },
    onSettled: () => setProgress(null),
    onSuccess: async (result) => {
      const rows = `${result.meta.imported.toLocaleString("en-US")} row${result.meta.imported === 1 ? "" : "s"}`;
      toast.show({ kind: "success", title: `Imported ${rows} into “${result.data.name}”` });
      if (tableId) {
        await client.invalidateQueries({ queryKey: queryKeys.table(tableId) });
      } else {
        router.push(`/tables/${result.data.id}`);
      }
    },
  });
  return (
    <>
      <input
        ref={input}
        type="file"
        accept=".csv,text/csv"
        aria-label={tableId ? "CSV file to append" : "CSV file to import"}
        className="hidden"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = "";
          if (file) upload.mutate(file);
        }}
      />
      <button type="button" disabled={upload.isPending} onClick={() => input.current?.click()} className={className}>
        {upload.isPending ? "Importing…" : "Import CSV"}
      </button>
      {upload.isPending && progress ? <ImportProgressBar progress={progress} /> : null}
    </>
  );
}
