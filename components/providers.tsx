"use client";

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { describeError, isAbort } from "@/lib/client/http";
import { ToastProvider, useToast } from "./ui/toast-provider";

function QueryProvider({ children }: { children: ReactNode }) {
  const toast = useToast();
  // One client per browser session; every failed query or mutation becomes a readable toast,
  // so no call site can forget to tell the user.
  const [client] = useState(() => {
    const onError = (error: unknown, meta: Record<string, unknown> | undefined) => {
      if (isAbort(error)) return;
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
