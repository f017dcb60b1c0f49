import { useVirtualizer } from "@tanstack/react-virtual";
import { type RefObject, useCallback, useEffect, useMemo, useRef } from "react";
import { GUTTER_WIDTH, HEADER_HEIGHT, ROW_HEIGHT } from "@/lib/client/grid-geometry";
import type { Pos } from "@/lib/client/grid-selection";
import type { ColumnWindow } from "./grid-row";
import { useFastScroll } from "./use-fast-scroll";
import { useThrottledValue } from "./use-throttled-value";

type Range = { first: number; last: number };
const sameRange = (a: Range, b: Range) => a.first === b.first && a.last === b.last;

/**
 * The grid's geometry: virtual rows and columns (of `widths`, the shown columns' widths) over
 * one scroll element, the column window every row draws, the rows to load (throttled, and
 * held still during a fast scroll), and scrolling a cell into view.
 */
export function useGridVirtual(scrollRef: RefObject<HTMLDivElement | null>, widths: number[], rowCount: number) {
  const offsets = useMemo(() => {
    const starts = [0];
    for (const w of widths) starts.push(starts[starts.length - 1] + w);
    return starts;
  }, [widths]);
  const totalWidth = GUTTER_WIDTH + (offsets[widths.length] ?? 0);

  const rowVirtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    paddingStart: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    overscan: 6,
    // Let React batch scroll updates into one render per frame instead of one per event.
    useFlushSync: false,
  });
  const colVirtualizer = useVirtualizer({
    horizontal: true,
    count: widths.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => widths[i],
    paddingStart: GUTTER_WIDTH,
    scrollPaddingStart: GUTTER_WIDTH,
    overscan: 2,
    useFlushSync: false,
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: a column resized (new widths) must be measured again; the virtualizer only re-reads estimateSize when told
  useEffect(() => {
    colVirtualizer.measure();
  }, [colVirtualizer, widths]);
  const virtualRows = rowVirtualizer.getVirtualItems();
  const virtualCols = colVirtualizer.getVirtualItems();
  const colStart = virtualCols[0]?.index ?? 0;
  const colEnd = virtualCols.at(-1)?.index ?? -1;
  const colWindow = useMemo<ColumnWindow>(
    () => ({ start: colStart, end: colEnd, offsets, widths }),
    [colStart, colEnd, offsets, widths],
  );

  const visible = { first: virtualRows[0]?.index ?? 0, last: virtualRows.at(-1)?.index ?? 0 };
  const fast = useFastScroll(rowVirtualizer.isScrolling, visible.first);
  // While flying past rows nobody can read, keep asking for the windows where the scroll was.
  const settled = useRef(visible);
  if (!fast) settled.current = visible;
  const loadRange = useThrottledValue(settled.current, 150, sameRange);

  const scrollTo = useCallback(
    (pos: Pos) => {
      rowVirtualizer.scrollToIndex(pos.row, { align: "auto" });
      colVirtualizer.scrollToIndex(pos.col, { align: "auto" });
    },
    [rowVirtualizer, colVirtualizer],
  );

  return {
    virtualRows,
    totalHeight: rowVirtualizer.getTotalSize(),
    totalWidth,
    colWindow,
    firstVisible: visible.first,
    fast,
    loadRange,
    scrollTo,
  };
}
