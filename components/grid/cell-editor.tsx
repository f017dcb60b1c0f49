"use client";

import { useRef } from "react";

export type EditEnd = "down" | "right" | "left" | "none";

/**
 * The in-cell input: Enter commits and moves down, Tab right (Shift+Tab left), Escape
 * cancels, leaving the cell commits. Commit runs once, however the edit ends.
 */
export function CellEditor({
  initial,
  label,
  onCommit,
  onCancel,
}: {
  initial: string;
  label: string;
  onCommit: (value: string, then: EditEnd) => void;
  onCancel: () => void;
}) {
  const ended = useRef(false);
  const finish = (action: () => void) => {
    if (ended.current) return;
    ended.current = true;
    action();
  };
  return (
    <input
      // biome-ignore lint/a11y/noAutofocus: the editor opens because the user asked to edit this cell
      autoFocus
      aria-label={label}
      defaultValue={initial}
      onFocus={(event) => {
        const input = event.currentTarget;
        input.setSelectionRange(input.value.length, input.value.length);
      }}
      onKeyDown={(event) => {
        event.stopPropagation();
        const value = event.currentTarget.value;
        if (event.key === "Enter") {
          event.preventDefault();
          finish(() => onCommit(value, "down"));
        } else if (event.key === "Tab") {
          event.preventDefault();
          finish(() => onCommit(value, event.shiftKey ? "left" : "right"));
        } else if (event.key === "Escape") {
          event.preventDefault();
          finish(onCancel);
        }
      }}
      onBlur={(event) => {
        const value = event.currentTarget.value;
        finish(() => onCommit(value, "none"));
      }}
      onMouseDown={(event) => event.stopPropagation()}
      onDoubleClick={(event) => event.stopPropagation()}
      className="absolute inset-0 z-10 w-full bg-white px-2.5 text-sm text-slate-900 outline-2 -outline-offset-2 outline-blue-600"
    />
  );
}
