"use client";

import { type ReactNode, useEffect, useRef } from "react";

export type MenuItem = {
  /** Stable identity when the label changes (a confirmation step), so focus stays on it. */
  id?: string;
  label: string;
  onSelect: () => void;
  shortcut?: string;
  danger?: boolean;
  disabled?: boolean;
  /** For items that change the menu itself (a confirmation step, a form). */
  keepOpen?: boolean;
};

/**
 * A menu at a point on screen (a right-click or a header button). Arrow keys move between
 * items, Escape or a click elsewhere closes it, and focus returns to where it was.
 */
export function PopupMenu({
  x,
  y,
  label,
  items,
  onClose,
  children,
}: {
  x: number;
  y: number;
  label: string;
  items: MenuItem[];
  onClose: () => void;
  children?: ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    ref.current?.querySelector<HTMLElement>("[role=menuitem]:not([disabled]), input")?.focus();
    const outside = (event: MouseEvent) => {
      if (!ref.current?.contains(event.target as Node)) onClose();
    };
    document.addEventListener("mousedown", outside);
    return () => {
      document.removeEventListener("mousedown", outside);
      previous?.focus({ preventScroll: true });
    };
  }, [onClose]);

  const move = (delta: number) => {
    const buttons = [...(ref.current?.querySelectorAll<HTMLElement>("[role=menuitem]:not([disabled])") ?? [])];
    const index = buttons.indexOf(document.activeElement as HTMLElement);
    buttons[(index + delta + buttons.length) % buttons.length]?.focus();
  };

  return (
    <div
      ref={ref}
      role="menu"
      aria-label={label}
      tabIndex={-1}
      onKeyDown={(event) => {
        if (event.key === "Escape" || event.key === "Tab") {
          event.preventDefault();
          onClose();
        } else if (event.key === "ArrowDown") {
          event.preventDefault();
          move(1);
        } else if (event.key === "ArrowUp") {
          event.preventDefault();
          move(-1);
        }
      }}
      className="fixed z-50 min-w-56 overflow-hidden rounded-lg border border-slate-200 bg-white py-1 text-sm shadow-xl"
      // Pointer coordinates are geometry, like the virtualizer's: they cannot be classes.
      style={{
        left: Math.min(x, window.innerWidth - 240),
        top: Math.min(y, window.innerHeight - 40 * (items.length + 1)),
      }}
    >
      {children}
      {items.map((item) => (
        <button
          key={item.id ?? item.label}
          type="button"
          role="menuitem"
          disabled={item.disabled}
          onClick={() => {
            if (!item.keepOpen) onClose();
            item.onSelect();
          }}
          className={`flex w-full items-center justify-between gap-6 px-3 py-1.5 text-left outline-none focus:bg-slate-100 disabled:opacity-40 ${item.danger ? "text-red-700" : "text-slate-800"}`}
        >
          <span>{item.label}</span>
          {item.shortcut ? <kbd className="font-sans text-xs text-slate-400">{item.shortcut}</kbd> : null}
        </button>
      ))}
    </div>
  );
}
