import type { ColumnSizingState, Updater } from "@tanstack/react-table";
import { useCallback, useMemo } from "react";
import type { ColumnDto } from "@/lib/client/fetchers";
import { columnWidth } from "@/lib/client/grid-geometry";
import { MAX_COLUMN_WIDTH, MIN_COLUMN_WIDTH } from "@/lib/views/view-schemas";

const clampWidth = (width: number) => Math.round(Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, width)));

/** The view's widths (by column key) as TanStack's sizing state (by column id) and back. */
export function useColumnSizing(
  columns: ColumnDto[],
  widths: Record<string, number>,
  onWidths: (widths: Record<string, number>) => void,
) {
  const sizing = useMemo<ColumnSizingState>(
    () => Object.fromEntries(columns.flatMap((c) => (Object.hasOwn(widths, c.key) ? [[c.id, widths[c.key]]] : []))),
    [columns, widths],
  );
  const onSizing = useCallback(
    (updater: Updater<ColumnSizingState>) => {
      const next = typeof updater === "function" ? updater(sizing) : updater;
      const merged = { ...widths };
      for (const column of columns) {
        if (Object.hasOwn(next, column.id)) merged[column.key] = clampWidth(next[column.id]);
      }
      onWidths(merged);
    },
    [columns, widths, sizing, onWidths],
  );
  const list = useMemo(
    () => columns.map((c) => (Object.hasOwn(widths, c.key) ? clampWidth(widths[c.key]) : columnWidth(c))),
    [columns, widths],
  );
  return { sizing, onSizing, list };
}
