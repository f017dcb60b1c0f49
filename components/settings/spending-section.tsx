"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { InputHTMLAttributes } from "react";
import { type BudgetDto, fetchers } from "@/lib/client/fetchers";
import { queryKeys } from "@/lib/client/query-keys";

const fmt = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 2 });
const input = "h-8 w-24 rounded-md border border-slate-300 px-2 text-sm disabled:bg-slate-50";

/** A number field of this section (any step unless told). */
function NumberInput({ className = "", step = "any", ...props }: Omit<InputHTMLAttributes<HTMLInputElement>, "type">) {
  return <input type="number" step={step} className={`${input} ${className}`} {...props} />;
}

/** A number field's value: undefined when blank (or not a number: the API says what is wrong). */
function numberOf(data: FormData, name: string): number | undefined {
  const raw = String(data.get(name) ?? "").trim();
  return raw === "" ? undefined : Number(raw);
}

/**
 * The workspace's spending controls (the costs API, for people): the monthly budget and the
 * confirm threshold, and per provider its price, rate limit and cache lifetime, each back to
 * the documented default with Reset. Admins edit; other members read.
 */
export function SpendingSection({ canEdit }: { canEdit: boolean }) {
  const client = useQueryClient();
  const budget = useQuery({
    queryKey: queryKeys.budget(),
    queryFn: ({ signal }) => fetchers.budget(signal),
    meta: { errorTitle: "Could not load the budget" },
  });
  const prices = useQuery({
    queryKey: queryKeys.prices(),
    queryFn: ({ signal }) => fetchers.prices(signal),
    meta: { errorTitle: "Could not load the prices" },
  });
  const limits = useQuery({
    queryKey: queryKeys.providerLimits(),
    queryFn: ({ signal }) => fetchers.providerLimits(signal),
    meta: { errorTitle: "Could not load the provider limits" },
  });
  const saveBudget = useMutation({
    meta: { errorTitle: "Could not save the budget" },
    mutationFn: fetchers.putBudget,
    onSuccess: (saved: BudgetDto) => client.setQueryData(queryKeys.budget(), saved),
    // Refused (e.g. below this month's spend): show what is spent now, which the answer names.
    onError: () => client.invalidateQueries({ queryKey: queryKeys.budget() }),
  });
  const saveProvider = useMutation({
    meta: { errorTitle: "Could not save the provider's settings" },
    mutationFn: async (change: {
      prices?: Parameters<typeof fetchers.putPrices>[0];
      limits?: Parameters<typeof fetchers.putProviderLimits>[0];
    }) => {
      // Prices first: a refused limit then leaves the saved prices shown as they are.
      if (change.prices) client.setQueryData(queryKeys.prices(), await fetchers.putPrices(change.prices));
      if (change.limits)
        client.setQueryData(queryKeys.providerLimits(), await fetchers.putProviderLimits(change.limits));
    },
  });

  const b = budget.data;
  const limitOf = new Map((limits.data?.data ?? []).map((l) => [l.provider, l]));
  return (
    <section aria-labelledby="spending-heading" className="space-y-4">
      <h2 id="spending-heading" className="text-lg font-semibold">
        Spending
      </h2>
      {b ? (
        <form
          aria-label="Budget"
          key={`${b.monthlyCredits}:${b.confirmThreshold}`}
          className="flex flex-wrap items-end gap-4 rounded-lg border border-slate-200 bg-white p-4 text-sm"
          onSubmit={(event) => {
            event.preventDefault();
            const data = new FormData(event.currentTarget);
            const threshold = numberOf(data, "confirmThreshold") ?? 0;
            saveBudget.mutate({
              monthlyCredits: numberOf(data, "monthlyCredits") ?? null,
              // Unchanged, it is not sent: a workspace on the deployment's default stays on it.
              ...(threshold === b.confirmThreshold ? {} : { confirmThreshold: threshold }),
            });
          }}
        >
          <label htmlFor="spending-monthly-credits" className="flex flex-col gap-1">
            <span className="text-slate-600">Monthly budget (credits)</span>
            <NumberInput
              id="spending-monthly-credits"
              name="monthlyCredits"
              min={0}
              placeholder="No budget"
              defaultValue={b.monthlyCredits ?? ""}
              disabled={!canEdit}
              className="w-36"
            />
          </label>
          <label htmlFor="spending-confirm-threshold" className="flex flex-col gap-1">
            <span className="text-slate-600">Ask before runs above (credits)</span>
            <NumberInput
              id="spending-confirm-threshold"
              name="confirmThreshold"
              min={0}
              required
              defaultValue={b.confirmThreshold}
              disabled={!canEdit}
              className="w-36"
            />
          </label>
          {canEdit ? (
            <button
              type="submit"
              disabled={saveBudget.isPending}
              className="h-8 rounded-md bg-slate-900 px-3 text-white disabled:opacity-50"
            >
              Save budget
            </button>
          ) : null}
          <p className="text-slate-600">
            {b.month}: {fmt(b.spentThisMonth)} credits spent, {fmt(b.reservedThisMonth)} reserved
            {b.remainingThisMonth === null ? "" : `, ${fmt(b.remainingThisMonth)} left`}
          </p>
        </form>
      ) : null}
      <table className="w-full rounded-lg border border-slate-200 bg-white text-sm">
        <caption className="px-3 py-2 text-left text-slate-600">
          Prices in credits, rate limits shared by every worker, and how long a found answer is reused. Blank fields
          keep the provider's documented default.
        </caption>
        <thead className="text-left text-slate-500">
          <tr>
            <th className="px-3 py-2 font-medium">Provider</th>
            <th className="px-3 py-2 font-medium">Per call</th>
            <th className="px-3 py-2 font-medium">Per found</th>
            <th className="px-3 py-2 font-medium">Calls / seconds</th>
            <th className="px-3 py-2 font-medium">Cache (days)</th>
            <th className="px-3 py-2" />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">
          {(prices.data?.data ?? []).map((price) => {
            const limit = limitOf.get(price.provider);
            const formId = `provider-${price.provider}`;
            const limitChanged =
              JSON.stringify(limit?.rateLimit ?? null) !== JSON.stringify(limit?.defaultRateLimit ?? null);
            // Like the other fields: the default as a grey placeholder, a value only when the workspace set its own.
            const ttlChanged = (limit?.cacheTtlDays ?? null) !== (limit?.defaultCacheTtlDays ?? null);
            // A field of this provider's row form, labelled with its name.
            const field = (name: string, label: string, props: InputHTMLAttributes<HTMLInputElement>) => (
              <NumberInput
                form={formId}
                name={name}
                aria-label={`${price.name}: ${label}`}
                disabled={!canEdit}
                {...props}
              />
            );
            return (
              <tr
                key={`${price.provider}:${price.creditsPerCall}:${price.creditsPerFound}:${JSON.stringify(limit)}`}
                aria-label={price.name}
              >
                <td className="px-3 py-2">
                  {price.name}
                  {price.overridden || limitChanged || ttlChanged ? (
                    <span className="ml-1 text-xs text-amber-700">(changed)</span>
                  ) : null}
                  <form
                    id={formId}
                    aria-label={`${price.name} settings`}
                    onSubmit={(event) => {
                      event.preventDefault();
                      const data = new FormData(event.currentTarget);
                      const perCall = numberOf(data, "creditsPerCall");
                      const perFound = numberOf(data, "creditsPerFound");
                      const calls = numberOf(data, "limit");
                      const seconds = numberOf(data, "periodSeconds");
                      const ttl = numberOf(data, "cacheTtlDays");
                      saveProvider.mutate({
                        // Blank fields are the documented defaults: both blank removes the override.
                        prices: {
                          prices: {
                            [price.provider]:
                              perCall === undefined && perFound === undefined
                                ? null
                                : {
                                    creditsPerCall: perCall ?? price.default.creditsPerCall,
                                    creditsPerFound: perFound ?? price.default.creditsPerFound,
                                  },
                          },
                        },
                        limits: {
                          rateLimits: {
                            [price.provider]:
                              calls === undefined && seconds === undefined
                                ? null
                                : {
                                    limit: calls ?? limit?.defaultRateLimit?.limit ?? 1,
                                    periodSeconds: seconds ?? limit?.defaultRateLimit?.periodSeconds ?? 1,
                                  },
                          },
                          ...(limit?.cached ? { cacheTtlDays: { [price.provider]: ttl ?? null } } : {}),
                        },
                      });
                    }}
                  />
                </td>
                <td className="px-3 py-2">
                  {field("creditsPerCall", "credits per call", {
                    min: 0,
                    placeholder: String(price.default.creditsPerCall),
                    defaultValue: price.overridden ? price.creditsPerCall : "",
                  })}
                </td>
                <td className="px-3 py-2">
                  {field("creditsPerFound", "credits per found result", {
                    min: 0,
                    placeholder: String(price.default.creditsPerFound),
                    defaultValue: price.overridden ? price.creditsPerFound : "",
                  })}
                </td>
                <td className="px-3 py-2">
                  <span className="flex items-center gap-1">
                    {field("limit", "calls per period", {
                      min: 1,
                      step: 1,
                      placeholder: limit?.defaultRateLimit ? String(limit.defaultRateLimit.limit) : "none",
                      defaultValue: limitChanged && limit?.rateLimit ? limit.rateLimit.limit : "",
                      className: "w-20",
                    })}
                    /
                    {field("periodSeconds", "period in seconds", {
                      min: 0.001,
                      placeholder: limit?.defaultRateLimit ? String(limit.defaultRateLimit.periodSeconds) : "—",
                      defaultValue: limitChanged && limit?.rateLimit ? limit.rateLimit.periodSeconds : "",
                      className: "w-20",
                    })}
                  </span>
                </td>
                <td className="px-3 py-2">
                  {limit?.cached ? (
                    field("cacheTtlDays", "cache days", {
                      min: 0,
                      placeholder: limit.defaultCacheTtlDays === null ? "" : String(limit.defaultCacheTtlDays),
                      defaultValue: ttlChanged ? (limit.cacheTtlDays ?? "") : "",
                    })
                  ) : (
                    <span className="text-slate-400">not cached</span>
                  )}
                </td>
                <td className="whitespace-nowrap px-3 py-2 text-right">
                  {canEdit ? (
                    <>
                      <button
                        type="submit"
                        form={formId}
                        disabled={saveProvider.isPending}
                        className="text-slate-900 hover:underline disabled:opacity-50"
                      >
                        Save
                      </button>
                      <button
                        type="button"
                        disabled={saveProvider.isPending}
                        className="ml-3 text-slate-500 hover:underline disabled:opacity-50"
                        onClick={() =>
                          saveProvider.mutate({
                            prices: { prices: { [price.provider]: null } },
                            limits: {
                              rateLimits: { [price.provider]: null },
                              ...(limit?.cached ? { cacheTtlDays: { [price.provider]: null } } : {}),
                            },
                          })
                        }
                      >
                        Reset
                      </button>
                    </>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
