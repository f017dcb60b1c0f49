"use client";

import { type ImportProgress, importProgressView } from "@/lib/client/upload-csv";

/** An import's progress bar and its words (importProgressView). */
export function ImportProgressBar({ progress }: { progress: ImportProgress }) {
  const { percent, label } = importProgressView(progress);
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
