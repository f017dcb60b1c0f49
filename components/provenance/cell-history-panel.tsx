"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useEffectEvent } from "react";
import { fetchers } from "@/lib/client/fetchers";
import { noSourceText } from "@/lib/client/history-summary";
import { queryKeys } from "@/lib/client/query-keys";
import { HistoryRun } from "./history-run";

export type InspectedCell = { rowId: string; columnId: string; columnLabel: string };

/** "Why this value?": the cell's value, its source, and every provider call of every run. */
export function CellHistoryPanel({
  tableId,
  cell,
  onClose,
}: {
  tableId: string;
  cell: InspectedCell;
  onClose: () => void;
}) {
  const history = useQuery({
    queryKey: queryKeys.cellHistory(tableId, cell.rowId, cell.columnId),
    queryFn: ({ signal }) => fetchers.cellHistory(tableId, cell.rowId, cell.columnId, signal),
    meta: { errorTitle: "Could not load the cell's history" },
  });
  // Escape closes it, from the panel or the grid (where Escape first collapses a selection to
  // one cell, and then is left alone), not while a cell, a menu or a dialog takes the key.
  const close = useEffectEvent(() => onClose());
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || event.defaultPrevented) return;
      if ((event.target as HTMLElement | null)?.closest?.("input, textarea, select, [role=menu], dialog")) return;
      close();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
  const data = history.data;
  const ai = data?.source?.aiSynthesised ?? false;
  return (
    <aside
      aria-label="Why this value?"
      className="flex w-[26rem] shrink-0 flex-col border-l border-slate-200 bg-slate-50"
    >
      <header className="flex items-center justify-between border-b border-slate-200 bg-white px-4 py-2.5">
        <h2 className="text-sm font-semibold">Why this value? · {cell.columnLabel}</h2>
        <button
          type="button"
          onClick={onClose}
          aria-label="Close cell history"
          className="rounded px-1.5 text-lg leading-none text-slate-400 hover:bg-slate-100 hover:text-slate-700"
        >
          ×
        </button>
      </header>
      <div className="min-h-0 flex-1 space-y-4 overflow-y-auto p-3">
        {!data ? (
          <div className="h-24 animate-pulse rounded-lg bg-slate-200/70" aria-hidden="true" />
        ) : (
          <>
            <div
              className={`rounded-lg border p-3 ${ai ? "border-violet-300 bg-violet-50" : "border-slate-200 bg-white"}`}
            >
              <p className={`break-all text-sm ${ai ? "italic text-violet-900" : "text-slate-900"}`}>
                {data.value === null || data.value === undefined || data.value === "" ? "—" : String(data.value)}
              </p>
              <p className="mt-1 text-xs text-slate-600">
                {data.source ? (
                  <>
                    Source:{" "}
                    <span className="font-medium">
                      {data.source.detail?.startsWith(data.source.name) ? data.source.detail : data.source.name}
                    </span>
                    {data.source.detail && !data.source.detail.startsWith(data.source.name)
                      ? ` · ${data.source.detail}`
                      : ""}
                  </>
                ) : data.editedByHand ? (
                  data.enrichedValue === null ? (
                    data.history[0]?.status === "failed" ? (
                      "Edited by hand; its last run found no value"
                    ) : (
                      "Edited by hand before its run found a value"
                    )
                  ) : (
                    `Edited by hand; the last run found “${String(data.enrichedValue)}”`
                  )
                ) : (
                  noSourceText(data.history)
                )}
                {data.confidence !== null ? ` · confidence ${Math.round(data.confidence * 100)}%` : ""}
              </p>
              {ai ? (
                <p className="mt-2 text-xs text-violet-800">
                  AI-synthesised: a model inferred this from the other providers' answers for this row. Check it before
                  relying on it.
                </p>
              ) : null}
            </div>
            {data.history.length === 0 ? (
              <p className="text-xs text-slate-500">This cell has not been enriched.</p>
            ) : null}
            {data.history.map((run, i) => (
              <HistoryRun key={run.taskId} run={run} latest={i === 0} />
            ))}
          </>
        )}
      </div>
    </aside>
  );
}
