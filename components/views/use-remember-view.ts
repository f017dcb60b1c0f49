import { useCallback, useRef } from "react";
import { fetchers } from "@/lib/client/fetchers";

/**
 * Records the view the person switched to as their last used view of the table, without
 * waiting for it. Calls go one after another, so quick switches end on the last choice. A
 * failure is not shown: it only changes which view the table opens on next time, and a toast
 * over the grid for that would be noise.
 */
export function useRememberView(tableId: string) {
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  return useCallback(
    (viewId: string | null) => {
      queue.current = queue.current.then(() => fetchers.rememberView(tableId, { viewId }).catch(() => undefined));
    },
    [tableId],
  );
}
