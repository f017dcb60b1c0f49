import type { RowDto } from "@/lib/rows/serialize";

const STYLE: Record<RowDto["status"], string> = {
  idle: "text-slate-400 ring-slate-200/70",
  queued: "bg-sky-50 text-sky-700 ring-sky-200",
  running: "bg-amber-50 text-amber-700 ring-amber-300 animate-pulse",
  done: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  failed: "bg-red-50 text-red-700 ring-red-200",
  ambiguous: "bg-violet-50 text-violet-700 ring-violet-200",
};

/** The row's derived enrichment status (ambiguous: some cells done, some failed). */
export function RowStatusBadge({ status, error }: { status: RowDto["status"]; error: string | null }) {
  return (
    <span
      data-row-status={status}
      title={error ? `${status}: ${error}` : status}
      className={`inline-flex h-5 w-[4.25rem] items-center justify-center rounded-full px-1.5 text-[11px] font-medium ring-1 ring-inset ${STYLE[status]}`}
    >
      {status}
    </span>
  );
}
