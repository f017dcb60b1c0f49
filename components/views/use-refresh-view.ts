import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { queryKeys } from "@/lib/client/query-keys";
import { type ViewQuery, viewKey } from "@/lib/client/view-query";

/**
 * Live updates patch cells where they are; they do not move rows in or out of a filtered view
 * or along a sort. When the table's jobs end, the view's windows and count are read again, so
 * the rows shown are the view's once more.
 */
export function useRefreshViewAfterJobs(tableId: string, view: ViewQuery, jobsActive: boolean) {
  const client = useQueryClient();
  const key = viewKey(view);
  const wasActive = useRef(jobsActive);
  useEffect(() => {
    if (wasActive.current && !jobsActive && key !== viewKey({ filter: null, sort: [], q: "" })) {
      void client.invalidateQueries({ queryKey: queryKeys.viewRows(tableId, key) });
      void client.invalidateQueries({ queryKey: queryKeys.viewCount(tableId, key) });
    }
    wasActive.current = jobsActive;
  }, [jobsActive, client, tableId, key]);
}
