import type { JobDto } from "@/lib/enrichment/serialize";

const STYLE: Record<JobDto["status"], string> = {
  pending: "bg-sky-50 text-sky-700 ring-sky-200",
  running: "bg-amber-50 text-amber-700 ring-amber-300",
  completed: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  failed: "bg-red-50 text-red-700 ring-red-200",
  cancelled: "bg-slate-100 text-slate-600 ring-slate-300",
};

export function JobStatusPill({ status }: { status: JobDto["status"] }) {
  return (
    <span
      data-job-status={status}
      className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-[11px] font-medium ring-1 ring-inset ${STYLE[status]}`}
    >
      {status === "running" ? (
        <span aria-hidden="true" className="size-1.5 animate-pulse rounded-full bg-amber-500" />
      ) : null}
      {status}
    </span>
  );
}
