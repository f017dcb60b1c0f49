"use client";

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type ReactNode, useRef, useState } from "react";
import { ApiError, describeError, isAbort } from "@/lib/client/http";
import { ToastProvider, useToast } from "./ui/toast-provider";

/** At most one refresh of the page's server part in this long (a burst of refusals asks once). */
const REFRESH_GAP_MS = 5_000;

function QueryProvider({ children }: { children: ReactNode }) {
  const toast = useToast();
  const router = useRouter();
  const lastRefresh = useRef(0);
  // One client per browser session; every failed query or mutation becomes a readable toast,
  // so no call site can forget to tell the user.
  const [client] = useState(() => {
    // What the page shows was decided by the server for the person's role when it loaded: a
    // refusal (403), or the page's own subject gone (a query marked `pageGoneOn404`: the table
    // was deleted, or the person removed from its workspace), means that changed. The page is
    // rendered again: a demoted person's grid turns read-only, a removed one's says it is gone,
    // instead of polling into refusals.
    const refreshPage = () => {
      if (Date.now() - lastRefresh.current < REFRESH_GAP_MS) return;
      lastRefresh.current = Date.now();
      router.refresh();
    };
    const onError = (error: unknown, meta: Record<string, unknown> | undefined) => {
      if (isAbort(error)) return;
      if (error instanceof ApiError && error.status === 404 && meta?.pageGoneOn404 === true) {
        refreshPage();
        return;
      }
      if (error instanceof ApiError && error.status === 403) refreshPage();
      const title = typeof meta?.errorTitle === "string" ? meta.errorTitle : "Something went wrong";
      toast.show({ kind: "error", title, message: describeError(error) });
    };
    return new QueryClient({
      queryCache: new QueryCache({ onError: (error, query) => onError(error, query.meta) }),
      mutationCache: new MutationCache({
        onError: (error, _variables, _context, mutation) => onError(error, mutation.meta),
      }),
      defaultOptions: {
        queries: { staleTime: 30_000, retry: 1, refetchOnWindowFocus: false },
        mutations: { retry: 0 },
      },
    });
  });
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

export function Providers({ children }: { children: ReactNode }) {
  return (
    <ToastProvider>
      <QueryProvider>{children}</QueryProvider>
    </ToastProvider>
  );
}
