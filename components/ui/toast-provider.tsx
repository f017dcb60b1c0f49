"use client";

import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from "react";

export type ToastKind = "error" | "success" | "info";
type Toast = {
  id: number;
  kind: ToastKind;
  title: string;
  message?: string;
  /** A button in the toast (e.g. Undo); pressing it dismisses the toast. */
  action?: { label: string; onSelect: () => void };
};
type ToastApi = { show: (toast: Omit<Toast, "id">) => void };

const ToastContext = createContext<ToastApi | null>(null);

/** Errors stay until dismissed (they may need reading); the rest fade after a few seconds. */
const AUTO_DISMISS_MS = { error: 10_000, success: 4_000, info: 4_000 } as const;
/** A toast with a button stays long enough to reach for it. */
const ACTION_DISMISS_MS = 10_000;

const KIND_CLASS: Record<ToastKind, string> = {
  error: "border-red-200 bg-red-50 text-red-900",
  success: "border-emerald-200 bg-emerald-50 text-emerald-900",
  info: "border-slate-200 bg-white text-slate-900",
};

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const show = useCallback(
    (toast: Omit<Toast, "id">) => {
      const id = nextId.current++;
      // Repeating the same message (e.g. a failing poll) should not stack up copies.
      setToasts((all) =>
        [...all.filter((t) => t.title !== toast.title || t.message !== toast.message), { ...toast, id }].slice(-4),
      );
      setTimeout(() => dismiss(id), toast.action ? ACTION_DISMISS_MS : AUTO_DISMISS_MS[toast.kind]);
    },
    [dismiss],
  );
  const api = useMemo(() => ({ show }), [show]);
  return (
    <ToastContext.Provider value={api}>
      {children}
      <section
        aria-label="Notifications"
        className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-96 max-w-[calc(100vw-2rem)] flex-col gap-2"
      >
        {toasts.map((toast) => (
          <div
            key={toast.id}
            role={toast.kind === "error" ? "alert" : "status"}
            className={`pointer-events-auto flex items-start gap-3 rounded-lg border px-4 py-3 text-sm shadow-lg ${KIND_CLASS[toast.kind]}`}
          >
            <div className="min-w-0 flex-1">
              <p className="font-medium">{toast.title}</p>
              {toast.message ? <p className="mt-0.5 break-words opacity-80">{toast.message}</p> : null}
            </div>
            {toast.action ? (
              <button
                type="button"
                onClick={() => {
                  dismiss(toast.id);
                  toast.action?.onSelect();
                }}
                className="-my-0.5 rounded border border-current/20 px-2 py-0.5 font-medium hover:bg-black/5"
              >
                {toast.action.label}
              </button>
            ) : null}
            <button
              type="button"
              onClick={() => dismiss(toast.id)}
              aria-label="Dismiss notification"
              className="-mr-1 rounded px-1 text-base leading-none opacity-60 hover:opacity-100"
            >
              ×
            </button>
          </div>
        ))}
      </section>
    </ToastContext.Provider>
  );
}

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error("useToast must be used inside <ToastProvider>");
  return api;
}
