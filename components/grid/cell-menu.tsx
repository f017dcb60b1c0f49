"use client";

import { useState } from "react";
import { countCells, intervalLength, type Rect, selectedRowIntervals } from "@/lib/client/grid-selection";
import { PopupMenu } from "../ui/popup-menu";

const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;
const isMac = () => typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);

/** The right-click menu of the selection. */
export function CellMenu({
  x,
  y,
  rects,
  onClose,
  onEnrich,
  onCopy,
  onClear,
  onDeleteRows,
  onExplain,
}: {
  x: number;
  y: number;
  rects: Rect[];
  onClose: () => void;
  /** Absent when the person may not do it (a viewer): the item is not offered. */
  onEnrich?: () => void;
  onCopy: () => void;
  onClear?: () => void;
  onDeleteRows?: () => void;
  /** Opens "Why this value?" for the active cell; absent when no cell is active. */
  onExplain?: () => void;
}) {
  const cells = countCells(rects);
  const rows = intervalLength(selectedRowIntervals(rects));
  const mod = isMac() ? "⌘" : "Ctrl+";
  // Deleting rows asks once more in the menu itself, as deleting a column does.
  const [confirming, setConfirming] = useState(false);
  return (
    <PopupMenu
      x={x}
      y={y}
      label="Selection"
      onClose={onClose}
      items={[
        ...(onEnrich
          ? [
              {
                label: `Enrich ${plural(cells, "cell")}`,
                shortcut: `${mod}E`,
                onSelect: onEnrich,
                disabled: cells === 0,
              },
            ]
          : []),
        { label: "Why this value?", onSelect: () => onExplain?.(), disabled: !onExplain },
        { label: "Copy", shortcut: `${mod}C`, onSelect: onCopy, disabled: cells === 0 },
        ...(onClear ? [{ label: "Clear values", shortcut: "Del", onSelect: onClear, disabled: cells === 0 }] : []),
        ...(onDeleteRows
          ? [
              confirming
                ? {
                    id: "delete-rows",
                    label: `Confirm: delete ${plural(rows, "row")} and ${rows === 1 ? "its" : "their"} values`,
                    danger: true,
                    onSelect: onDeleteRows,
                  }
                : {
                    id: "delete-rows",
                    label: `Delete ${plural(rows, "row")}…`,
                    danger: true,
                    keepOpen: true,
                    onSelect: () => setConfirming(true),
                    disabled: rows === 0,
                  },
            ]
          : []),
      ]}
    />
  );
}
