import type { CellHistoryDto } from "@/lib/client/fetchers";
import { CANCELLED_ERROR } from "@/lib/enrichment/task-errors";
import { CallItem } from "./call-item";

type Run = CellHistoryDto["history"][number];

/** One enrichment of the cell: its outcome, every provider call in order, and who was not called. */
export function HistoryRun({ run, latest }: { run: Run; latest: boolean }) {
  return (
    <section aria-label={`Run of ${new Date(run.createdAt).toLocaleString()}`} className="space-y-1.5">
      <h4 className="flex items-baseline gap-2 text-xs font-semibold text-slate-700">
        {latest ? "Latest run" : "Earlier run"}
        <span className="font-normal text-slate-400">{new Date(run.createdAt).toLocaleString()}</span>
        <span className="ml-auto font-normal text-slate-500">
          {run.status === "failed" && run.error === CANCELLED_ERROR ? "cancelled" : run.status}
        </span>
      </h4>
      {run.error ? <p className="text-xs text-slate-600">{run.error}</p> : null}
      {run.waterfall ? (
        <p className="text-[11px] text-slate-500">
          Waterfall: {run.waterfall.join(" → ")}
          {run.minConfidence === null ? null : ` · stops at ${Math.round(run.minConfidence * 100)}%`}
        </p>
      ) : run.provider === "demo" ? (
        <p className="text-[11px] text-slate-500">Demo provider (the column has no recipe)</p>
      ) : null}
      <ol className="space-y-1.5">
        {run.calls.map((call) => (
          <CallItem key={call.id} call={call} />
        ))}
      </ol>
      {run.notCalled.map((n) => (
        <p key={n.provider} className="text-[11px] text-slate-500">
          {n.name}: not called ({n.reason})
        </p>
      ))}
    </section>
  );
}
