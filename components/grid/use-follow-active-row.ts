import { useEffect, useEffectEvent, useRef } from "react";
import type { RowDto } from "@/lib/client/fetchers";
import type { GridSelection } from "@/lib/client/grid-selection";

/**
 * The active cell stays on its record when the view's rows move under it: an edit that re-sorts
 * a sorted view (the edited row leaves, the ones after it move up) left the selection on the
 * same row number, now another record, which the next keystroke would edit. A single-cell
 * selection follows its row to where the view shows it now (when that is loaded); a range of
 * cells stays where it is, as the person drew it.
 */
export function useFollowActiveRow({
  selection,
  onSelectionChange,
  rowAt,
  indexOf,
  rows,
}: {
  selection: GridSelection;
  onSelectionChange: (update: (selection: GridSelection) => GridSelection) => void;
  rowAt: (index: number) => RowDto | undefined;
  indexOf: (rowId: string) => number;
  /** The loaded rows: a new array whenever the windows change. */
  rows: readonly RowDto[];
}) {
  // The record under the active cell, as of the last time the selection moved.
  const followed = useRef<{ row: number; id: string } | null>(null);

  const anchor = useEffectEvent(() => {
    const active = selection.active;
    const id = active ? rowAt(active.row)?.id : undefined;
    followed.current = active && id ? { row: active.row, id } : null;
  });

  const follow = useEffectEvent(() => {
    const held = followed.current;
    if (!held) return anchor(); // its row had not loaded when it moved there
    const here = rowAt(held.row);
    if (here === undefined || here.id === held.id) return; // loading, or nothing moved
    const moved = indexOf(held.id);
    if (moved < 0) return; // it left the view (a filter), or the loaded windows
    followed.current = { row: moved, id: held.id };
    onSelectionChange((current) => {
      const at = current.active;
      const single =
        current.ranges.length <= 1 &&
        current.ranges.every((r) => r.kind === "cells" && r.anchor.row === r.focus.row && r.anchor.col === r.focus.col);
      if (!at || at.row !== held.row || !single) return current;
      const pos = { row: moved, col: at.col };
      return { ranges: [{ kind: "cells", anchor: pos, focus: pos }], active: pos };
    });
  });

  // Only the selection moving re-anchors it; the rows changing moves the selection after them.
  const activeKey = selection.active ? `${selection.active.row}:${selection.active.col}` : "";
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the active cell moves; anchor reads it
  useEffect(() => anchor(), [activeKey]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the loaded rows change; follow reads them
  useEffect(() => follow(), [rows]);
}
