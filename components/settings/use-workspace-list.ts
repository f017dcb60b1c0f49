import { type QueryKey, useQuery, useQueryClient } from "@tanstack/react-query";

/** A list of the workspace's settings (members, invitations, keys), and how to refresh it after a change. */
export function useWorkspaceList<T>({
  queryKey,
  load,
  what,
}: {
  queryKey: QueryKey;
  load: (signal: AbortSignal) => Promise<{ data: T[] }>;
  what: string;
}) {
  const client = useQueryClient();
  const list = useQuery({
    queryKey,
    queryFn: ({ signal }) => load(signal),
    meta: { errorTitle: `Could not load the ${what}` },
  });
  return {
    items: list.data?.data ?? [],
    loaded: list.isSuccess,
    refresh: () => client.invalidateQueries({ queryKey }),
  };
}
