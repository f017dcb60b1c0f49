"use client";

import type { EstimateDto } from "@/lib/client/fetchers";
import { formatCredits } from "../jobs/format";

/** Beside the Enrich button: what enriching the selection is expected to cost, and at most. */
export function EnrichEstimate({ estimate, loading }: { estimate: EstimateDto | undefined; loading: boolean }) {
  if (!estimate) {
    return loading ? <span className="text-xs text-slate-400">Estimating…</span> : null;
  }
  const { credits } = estimate;
  const detail = [
    `${estimate.cells.toLocaleString("en-US")} cells`,
    estimate.cachedCells > 0 ? `${estimate.cachedCells.toLocaleString("en-US")} answered from the cache` : "",
    estimate.skippedCells > 0 ? `${estimate.skippedCells.toLocaleString("en-US")} skipped (missing inputs)` : "",
    `up to ${estimate.providerCalls.toLocaleString("en-US")} provider calls`,
    `${formatCredits(credits.min)}–${formatCredits(credits.max)} credits`,
  ]
    .filter(Boolean)
    .join(" · ");
  return (
    <output
      aria-label="Estimated cost"
      title={detail}
      className={`rounded-md px-2 py-1 text-xs tabular-nums ${estimate.needsConfirmation ? "bg-amber-50 text-amber-800" : "bg-slate-50 text-slate-600"} ${loading ? "opacity-60" : ""}`}
    >
      ≈ {formatCredits(credits.expected)} credit{credits.expected === 1 ? "" : "s"}
      <span className="text-slate-400"> (max {formatCredits(credits.max)})</span>
    </output>
  );
}
