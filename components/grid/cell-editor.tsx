"use client";

import { useRef } from "react";

/** Where the selection goes after an edit: Enter down, Tab to the next cell (Shift+Tab the previous, on across rows). */
export type EditEnd = "down" | "next" | "previous" | "none";

/**
 * The in-cell editor: Enter commits and moves down, Tab right (Shift+Tab left), Escape
 * cancels, leaving the cell commits; Shift+Enter or Alt+Enter starts a new line. A textarea,
 * so a value with line breaks keeps them (an input drops them): one line high, it scrolls
 * through the others. Commit runs once, however the edit ends.
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
    <textarea
      // biome-ignore lint/a11y/noAutofocus: the editor opens because the user asked to edit this cell
      autoFocus
      aria-label={label}
      defaultValue={initial}
      rows={1}
      onFocus={(event) => {
        const input = event.currentTarget;
        input.setSelectionRange(input.value.length, input.value.length);
      }}
      onKeyDown={(event) => {
        event.stopPropagation();
        const value = event.currentTarget.value;
        if (event.key === "Enter" && (event.shiftKey || event.altKey)) {
          // A new line (Alt+Enter inserts nothing by itself).
          if (event.altKey) {
            event.preventDefault();
            const area = event.currentTarget;
            area.setRangeText("\n", area.selectionStart, area.selectionEnd, "end");
          }
        } else if (event.key === "Enter") {
          event.preventDefault();
          finish(() => onCommit(value, "down"));
        } else if (event.key === "Tab") {
          event.preventDefault();
          finish(() => onCommit(value, event.shiftKey ? "previous" : "next"));
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
      className="absolute inset-0 z-10 h-full w-full resize-none overflow-y-auto bg-white px-2.5 py-[7px] text-sm leading-5 text-slate-900 outline-2 -outline-offset-2 outline-blue-600"
    />
  );
}
