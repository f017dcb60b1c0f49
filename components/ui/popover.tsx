"use client";

import { type ReactNode, useEffect, useEffectEvent, useRef } from "react";

/**
 * A panel under a toolbar button (filters, sort, hidden columns, save): closes on Escape or a
 * click outside it and its button, and hands focus back to the button.
 */
export function Popover({
  label,
  onClose,
  children,
  className = "",
  align = "left",
}: {
  label: string;
  onClose: () => void;
  children: ReactNode;
  className?: string;
  /** Which edge of its anchor it lines up with (right: for openers near the page's right edge). */
  align?: "left" | "right";
}) {
  const ref = useRef<HTMLDivElement>(null);
  // The latest onClose, read when needed: the effect below runs once, on open and close. Run
  // again with each new onClose (a parent's re-render), its cleanup gave the focus back to the
  // opener while the person was typing in the popover (a live update: the first keys went nowhere).
  const close = useEffectEvent(() => onClose());
  useEffect(() => {
    const element = ref.current;
    const anchor = element?.parentElement;
    const opener = anchor?.querySelector<HTMLElement>("[aria-expanded]");
    const outside = (event: MouseEvent) => {
      if (!anchor?.contains(event.target as Node)) close();
    };
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key === "Escape") close();
    };
    document.addEventListener("mousedown", outside);
    document.addEventListener("keydown", closeOnEscape);
    return () => {
      document.removeEventListener("mousedown", outside);
      document.removeEventListener("keydown", closeOnEscape);
      // The focus goes back to the opener once the popover is gone, not when React runs this
      // cleanup on a popover that stays (StrictMode's second run in development took the
      // focus from the field that had just taken it).
      setTimeout(() => {
        if (!element?.isConnected) opener?.focus({ preventScroll: true });
      }, 0);
    };
  }, []);
  return (
    <div
      ref={ref}
      role="dialog"
      aria-label={label}
      className={`absolute top-full ${align === "right" ? "right-0" : "left-0"} z-40 mt-2 rounded-lg border border-slate-200 bg-white p-3 text-sm shadow-xl ${className}`}
    >
      {children}
    </div>
  );
}
