"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { fetchers } from "@/lib/client/fetchers";
import { queryKeys } from "@/lib/client/query-keys";
import { formatCredits } from "../jobs/format";
import { UsageChart } from "./usage-chart";
import { UsageTable } from "./usage-table";

const RANGES = [7, 30, 90] as const;
const day = (offset: number) => new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);

function useUsage(groupBy: "provider" | "job" | "day", from: string, to: string) {
  return useQuery({
    queryKey: queryKeys.usage(groupBy, from, to),
    queryFn: ({ signal }) => fetchers.usage({ groupBy, from, to }, signal),
    // Spending changes while a job runs elsewhere: the page reads it afresh each time it opens.
    staleTime: 0,
    refetchOnMount: "always",
    meta: { errorTitle: "Could not load usage" },
  });
}

/** The usage page's content: the month's budget, credits per provider per day, per provider and per job. */
export function UsageDashboard() {
  const [days, setDays] = useState<(typeof RANGES)[number]>(30);
  const from = day(days - 1);
  const to = day(0);
  const byDay = useUsage("day", from, to);
  const byProvider = useUsage("provider", from, to);
  const byJob = useUsage("job", from, to);
  const budget = useQuery({
    queryKey: queryKeys.budget(),
    queryFn: ({ signal }) => fetchers.budget(signal),
    staleTime: 0,
    refetchOnMount: "always",
    meta: { errorTitle: "Could not load the budget" },
  });
  return (
    <div className="space-y-8">
      <section aria-label="This month" className="grid grid-cols-3 gap-4">
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <p className="text-xs text-slate-500">Spent this month</p>
          <p className="text-2xl font-semibold tabular-nums">
            {budget.data ? formatCredits(budget.data.spentThisMonth) : "…"}
          </p>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <p className="text-xs text-slate-500">Monthly budget</p>
          <p className="text-2xl font-semibold tabular-nums">
            {budget.data?.monthlyCredits == null ? "None" : formatCredits(budget.data.monthlyCredits)}
          </p>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <p className="text-xs text-slate-500">Confirm runs above</p>
          <p className="text-2xl font-semibold tabular-nums">{formatCredits(budget.data?.confirmThreshold ?? 100)}</p>
        </div>
      </section>
      <section aria-labelledby="usage-daily" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
        <div className="flex items-center gap-3">
          <h2 id="usage-daily" className="font-medium">
            Credits per provider per day
          </h2>
          <fieldset className="ml-auto flex gap-1">
            <legend className="sr-only">Period</legend>
            {RANGES.map((n) => (
              <button
                key={n}
                type="button"
                aria-pressed={days === n}
                onClick={() => setDays(n)}
                className={`rounded-md px-2 py-1 text-xs ${days === n ? "bg-slate-900 text-white" : "text-slate-600 hover:bg-slate-100"}`}
              >
                {n} days
              </button>
            ))}
          </fieldset>
        </div>
        {byDay.data ? (
          <>
            <p className="text-sm text-slate-600">
              {formatCredits(byDay.data.total.credits)} credits, {byDay.data.total.calls.toLocaleString("en-US")}{" "}
              provider calls from {byDay.data.from} to {byDay.data.to}
            </p>
            <UsageChart usage={byDay.data} />
          </>
        ) : (
          <div className="h-72" aria-busy="true" />
        )}
      </section>
      <section className="grid gap-6 md:grid-cols-2">
        {byProvider.data ? <UsageTable usage={byProvider.data} caption="By provider" what="Provider" /> : null}
        {byJob.data ? <UsageTable usage={byJob.data} caption="By job" what="Job (table)" /> : null}
      </section>
    </div>
  );
}
