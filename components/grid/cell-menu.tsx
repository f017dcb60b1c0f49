"use client";

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
}) {
  const cells = countCells(rects);
  const rows = intervalLength(selectedRowIntervals(rects));
  const mod = isMac() ? "⌘" : "Ctrl+";
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
        { label: "Copy", shortcut: `${mod}C`, onSelect: onCopy, disabled: cells === 0 },
        ...(onClear ? [{ label: "Clear values", shortcut: "Del", onSelect: onClear, disabled: cells === 0 }] : []),
        ...(onDeleteRows
          ? [{ label: `Delete ${plural(rows, "row")}`, danger: true, onSelect: onDeleteRows, disabled: rows === 0 }]
          : []),
      ]}
    />
  );
}
