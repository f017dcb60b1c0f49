"use client";

import { type ReactNode, useEffect, useRef } from "react";

/**
 * A panel under a toolbar button (filters, sort, hidden columns, save): closes on Escape or a
 * click outside it and its button, and hands focus back to the button.
 */
export function Popover({
  label,
  onClose,
  children,
  className = "",
}: {
  label: string;
  onClose: () => void;
  children: ReactNode;
  className?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const anchor = ref.current?.parentElement;
    const opener = anchor?.querySelector<HTMLElement>("[aria-expanded]");
    const outside = (event: MouseEvent) => {
      if (!anchor?.contains(event.target as Node)) onClose();
    };
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key === "Escape") onClose();
    };
    document.addEventListener("mousedown", outside);
    document.addEventListener("keydown", closeOnEscape);
    return () => {
      document.removeEventListener("mousedown", outside);
      document.removeEventListener("keydown", closeOnEscape);
      opener?.focus({ preventScroll: true });
    };
  }, [onClose]);
  return (
    <div
      ref={ref}
      role="dialog"
      aria-label={label}
      className={`absolute top-full left-0 z-40 mt-2 rounded-lg border border-slate-200 bg-white p-3 text-sm shadow-xl ${className}`}
    >
      {children}
    </div>
  );
}
