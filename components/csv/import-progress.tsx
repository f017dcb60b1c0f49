"use client";

import type { ImportProgress } from "@/lib/client/upload-csv";

/**
 * An import's progress bar: the upload first (bytes the browser sent), then the rows the server
 * has inserted, measured by how much of the file it has read.
 */
export function ImportProgressBar({ progress }: { progress: ImportProgress }) {
  const total = Math.max(progress.total, 1);
  const uploading = progress.rows === 0 && progress.sent < total;
  const percent = Math.min(100, Math.round((100 * (uploading ? progress.sent : Math.max(progress.read, 1))) / total));
  const label = uploading
    ? `Uploading ${percent}%`
    : progress.rows > 0
      ? `Inserted ${progress.rows.toLocaleString("en-US")} rows`
      : "Inserting rows…";
  return (
    <span className="inline-flex items-center gap-2 text-xs text-slate-600">
      <span
        role="progressbar"
        aria-label="Import progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={label}
        className="h-2 w-32 overflow-hidden rounded-full bg-slate-200"
      >
        <span className="block h-full bg-indigo-600 transition-[width]" style={{ width: `${percent}%` }} />
      </span>
      <span aria-live="polite">{label}</span>
    </span>
  );
}
