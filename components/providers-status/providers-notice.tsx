"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchers } from "@/lib/client/fetchers";
import { queryKeys } from "@/lib/client/query-keys";

/**
 * Demo mode (providers answered by the local replicas of `npm run dev`) and what the workspace
 * must know about its providers (credits used up, a refused key). On a table's page, the table's
 * workspace: the person may have another one active.
 */
export function ProvidersNotice({ tableId }: { tableId?: string }) {
  const providers = useQuery({
    queryKey: tableId ? queryKeys.tableProviders(tableId) : queryKeys.providers(),
    queryFn: ({ signal }) => (tableId ? fetchers.listTableProviders(tableId, signal) : fetchers.listProviders(signal)),
    refetchInterval: 20_000,
    meta: { errorTitle: "Could not load the providers" },
  });
  const data = providers.data;
  if (!data) return null;
  const demo = data.data.filter((p) => p.demo);
  const alerts = data.data.filter((p, i, all) => p.alert && all.findIndex((q) => q.vendor === p.vendor) === i);
  if (demo.length === 0 && alerts.length === 0) return null;
  return (
    <div className="ml-auto flex shrink-0 items-center gap-2 text-xs">
      {demo.length > 0 ? (
        <span
          role="status"
          data-demo-mode=""
          title={`${demo.map((p) => p.name).join(", ")}: answered by local replicas with synthetic data, because no real API key is configured.`}
          className="rounded-full border border-amber-300 bg-amber-50 px-2 py-0.5 font-medium text-amber-800"
        >
          Demo mode: providers are local replicas
        </span>
      ) : null}
      {alerts.map((p) => (
        <span
          key={p.vendor}
          role="alert"
          title={p.alert?.message}
          className="rounded-full border border-red-300 bg-red-50 px-2 py-0.5 font-medium text-red-800"
        >
          {p.name}: {p.alert?.kind === "out_of_credits" ? "out of credits" : "API key refused"}
        </span>
      ))}
    </div>
  );
}
