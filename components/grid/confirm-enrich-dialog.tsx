"use client";

import { useEffect, useRef } from "react";
import type { EstimateDto } from "@/lib/client/fetchers";
import { formatCredits } from "../jobs/format";

/** Asks before a run expected to cost more than the workspace's threshold. */
export function ConfirmEnrichDialog({
  estimate,
  onConfirm,
  onCancel,
}: {
  estimate: EstimateDto;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  const { credits, budget } = estimate;
  const remaining = budget.monthlyCredits === null ? null : Math.max(0, budget.monthlyCredits - budget.spentThisMonth);
  return (
    <dialog
      ref={ref}
      aria-labelledby="confirm-enrich-title"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
      className="m-auto w-full max-w-md rounded-lg border border-slate-200 p-0 shadow-xl backdrop:bg-slate-900/30"
    >
      <div className="space-y-4 p-5">
        <h2 id="confirm-enrich-title" className="text-lg font-semibold text-slate-900">
          Run this enrichment?
        </h2>
        <p className="text-sm text-slate-600">
          It is expected to cost <strong className="text-slate-900">{formatCredits(credits.expected)} credits</strong>,
          more than this workspace's threshold of {formatCredits(budget.confirmThreshold)}.
        </p>
        <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm">
          <dt className="text-slate-500">Cells</dt>
          <dd className="tabular-nums">{estimate.cells.toLocaleString("en-US")}</dd>
          <dt className="text-slate-500">From the cache (free)</dt>
          <dd className="tabular-nums">{estimate.cachedCells.toLocaleString("en-US")}</dd>
          <dt className="text-slate-500">Provider calls, at most</dt>
          <dd className="tabular-nums">{estimate.providerCalls.toLocaleString("en-US")}</dd>
          <dt className="text-slate-500">Credits (min – max)</dt>
          <dd className="tabular-nums">
            {formatCredits(credits.min)} – {formatCredits(credits.max)}
          </dd>
          {budget.maxCredits !== null ? (
            <>
              <dt className="text-slate-500">This run's cap</dt>
              <dd className="tabular-nums">{formatCredits(budget.maxCredits)}</dd>
            </>
          ) : null}
          {remaining !== null ? (
            <>
              <dt className="text-slate-500">Left in this month's budget</dt>
              <dd className="tabular-nums">{formatCredits(remaining)}</dd>
            </>
          ) : null}
        </dl>
        {budget.maxCredits !== null && credits.expected > budget.maxCredits ? (
          <p role="note" className="rounded-md bg-slate-50 p-2 text-sm text-slate-700">
            It spends at most its cap of {formatCredits(budget.maxCredits)} credits (a retry keeps its job's cap): the
            cells it does not get to are marked “Budget reached”.
          </p>
        ) : null}
        {remaining !== null && credits.expected > remaining ? (
          <p role="alert" className="rounded-md bg-amber-50 p-2 text-sm text-amber-900">
            That is more than this month's budget has left: the run stops when the budget is reached, and the cells it
            does not get to are marked “Budget reached”. Select fewer cells, or raise the budget in settings.
          </p>
        ) : null}
        {estimate.byProvider.length > 0 ? (
          <ul className="space-y-1 text-xs text-slate-600">
            {estimate.byProvider.map((p) => (
              <li key={p.provider} className="flex justify-between gap-2">
                <span>{p.name}</span>
                <span className="tabular-nums">
                  ≈ {formatCredits(p.credits.expected)} credits · {Math.round(p.findRate * 100)}% found (
                  {p.findRateSource})
                </span>
              </li>
            ))}
          </ul>
        ) : null}
        <div className="flex justify-end gap-2">
          <button
            type="button"
            onClick={onCancel}
            className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50"
          >
            Cancel
          </button>
          <button
            type="button"
            onClick={onConfirm}
            className="rounded-md bg-blue-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-blue-700"
          >
            Run enrichment
          </button>
        </div>
      </div>
    </dialog>
  );
}
