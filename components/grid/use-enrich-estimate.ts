import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { type ColumnDto, type EstimateDto, fetchers } from "@/lib/client/fetchers";
import { type Dims, type GridSelection, rectsOf } from "@/lib/client/grid-selection";
import { queryKeys } from "@/lib/client/query-keys";
import { type ViewQuery, viewKey } from "@/lib/client/view-query";
import { useToast } from "../ui/toast-provider";
import { type EnrichTarget, planEnrichRequest } from "./use-enrich-selection";
import { useThrottledValue } from "./use-throttled-value";

// What enriching the current selection would cost: the same request body POST /enrich would
// get, sent to POST /enrich/estimate (creates nothing). The selection is throttled so that a
// drag across the grid asks a few times, not on every cell.

const sameSelection = (a: GridSelection, b: GridSelection) => JSON.stringify(a.ranges) === JSON.stringify(b.ranges);

export function useEnrichEstimate(
  tableId: string,
  columns: ColumnDto[],
  dims: Dims,
  view: ViewQuery,
  selection: GridSelection,
  enabled: boolean,
) {
  const client = useQueryClient();
  const settled = useThrottledValue(selection, 400, sameSelection);
  // A column's recipe saved changes its updatedAt: the estimate is asked for again.
  const shown = columns.map((c) => `${c.id}@${c.updatedAt}`).join(",");
  const key = `${viewKey(view)}|${shown}|${dims.rows}|${JSON.stringify(settled.ranges)}`;
  const query = useQuery({
    queryKey: queryKeys.estimate(tableId, key),
    queryFn: async ({ signal }) => {
      const planned = await planEnrichRequest(client, tableId, columns, settled, dims, view);
      return fetchers.estimate(tableId, planned.body, signal);
    },
    // A selection left outside the grid (its rows deleted, or gone from the view) asks nothing.
    enabled: enabled && rectsOf(settled, dims).length > 0,
    staleTime: 10_000,
    retry: false,
    placeholderData: keepPreviousData,
    meta: { errorTitle: "Could not estimate the cost" },
  });
  // Another selection's figures are not shown as this one's, while it settles or is asked for.
  const settling = !sameSelection(selection, settled);
  const current = !settling && !query.isPlaceholderData;
  return { estimate: current ? query.data : undefined, estimating: query.isFetching || settling };
}

/**
 * Enrich with a look at the price first: a run expected to cost more than the workspace's
 * threshold waits for the person to confirm it in a dialog; any other starts at once.
 */
export function useConfirmedEnrich(
  tableId: string,
  columns: ColumnDto[],
  dims: Dims,
  view: ViewQuery,
  run: (target: EnrichTarget) => void,
) {
  const client = useQueryClient();
  const toast = useToast();
  const [pending, setPending] = useState<{ target: EnrichTarget; estimate: EstimateDto } | null>(null);
  const [checking, setChecking] = useState(false);
  const request = useCallback(
    async (selection: GridSelection, within: ViewQuery = view) => {
      setChecking(true);
      try {
        const planned = await planEnrichRequest(client, tableId, columns, selection, dims, within);
        const estimate = await fetchers.estimate(tableId, planned.body);
        const target = { selection, within };
        if (estimate.needsConfirmation) setPending({ target, estimate });
        else run(target);
      } catch (error) {
        toast.show({ kind: "error", title: "Could not start enrichment", message: (error as Error).message });
      } finally {
        setChecking(false);
      }
    },
    [client, tableId, columns, dims, view, run, toast],
  );
  const confirm = useCallback(() => {
    if (pending) run(pending.target);
    setPending(null);
  }, [pending, run]);
  const cancel = useCallback(() => setPending(null), []);
  return { request, pending: pending?.estimate ?? null, confirm, cancel, checking };
}
