import { observeElementRect, useVirtualizer, type Virtualizer } from "@tanstack/react-virtual";
import { type RefObject, useCallback, useEffect, useMemo, useRef } from "react";
import { GUTTER_WIDTH, HEADER_HEIGHT, ROW_HEIGHT } from "@/lib/client/grid-geometry";
import type { Pos } from "@/lib/client/grid-selection";
import type { ColumnWindow } from "./grid-row";
import { MAX_SCROLL_HEIGHT, ScaledScrollElement } from "./scaled-scroll";
import { useFastScroll } from "./use-fast-scroll";
import { useThrottledValue } from "./use-throttled-value";

type Range = { first: number; last: number };
const sameRange = (a: Range, b: Range) => a.first === b.first && a.last === b.last;

/** Rows of a scaled table are placed from a multiple of this (see rowsBase below). */
const BASE_STEP = 1_000_000;

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

  // Rows taller than a browser lets an element be scroll scaled (scaled-scroll.ts): the row
  // virtualizer then scrolls a stand-in in the rows' own pixels.
  const rowsHeight = HEADER_HEIGHT + rowCount * ROW_HEIGHT;
  const scaled = rowsHeight > MAX_SCROLL_HEIGHT;
  const stand = useRef<ScaledScrollElement | null>(null);
  const rowScrollElement = () => {
    const element = scrollRef.current;
    if (!element || !scaled) return element;
    if (stand.current?.element !== element) stand.current = new ScaledScrollElement(element, rowsHeight);
    stand.current.height = rowsHeight;
    return stand.current as unknown as HTMLDivElement;
  };
  // A wheel (or trackpad) moves the rows as far as it would without scaling: the element
  // scrolls 1/scale of it. Zooming (Ctrl) and sideways gestures are left to the browser.
  useEffect(() => {
    const element = scrollRef.current;
    if (!element || !scaled) return;
    const onWheel = (event: WheelEvent) => {
      const scale = stand.current?.scale ?? 1;
      if (scale <= 1 || event.ctrlKey || Math.abs(event.deltaY) <= Math.abs(event.deltaX)) return;
      event.preventDefault();
      const unit = event.deltaMode === 1 ? ROW_HEIGHT : event.deltaMode === 2 ? element.clientHeight : 1;
      element.scrollTop += (event.deltaY * unit) / scale;
    };
    element.addEventListener("wheel", onWheel, { passive: false });
    return () => element.removeEventListener("wheel", onWheel);
  }, [scrollRef, scaled]);
  const rowVirtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: rowScrollElement,
    // The element's size is observed on the element itself (a stand-in cannot be).
    observeElementRect: (instance: Virtualizer<HTMLDivElement, Element>, cb) =>
      observeElementRect(Object.assign(Object.create(instance), { scrollElement: scrollRef.current }), cb),
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
    // The first column stays where it is (frozen): a column scrolled into view lands right of it.
    scrollPaddingStart: GUTTER_WIDTH + (widths[0] ?? 0),
    overscan: 2,
    useFlushSync: false,
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: a column resized (new widths) must be measured again; the virtualizer only re-reads estimateSize when told
  useEffect(() => {
    colVirtualizer.measure();
  }, [colVirtualizer, widths]);
  const virtualRows = rowVirtualizer.getVirtualItems();
  const virtualCols = colVirtualizer.getVirtualItems();
  // The first column is drawn apart, frozen beside the row numbers (grid-row.tsx): the window
  // of columns that scroll starts at the second.
  const colStart = Math.max(1, virtualCols[0]?.index ?? 1);
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
      // The frozen first column is always in view.
      if (pos.col > 0) colVirtualizer.scrollToIndex(pos.col, { align: "auto" });
    },
    [rowVirtualizer, colVirtualizer],
  );

  // When scrolling is scaled, a row among all rows is `start` down, but drawn where the
  // element's scroll shows it: moved up by how much further the rows have scrolled than the
  // element. Browsers clamp a length past ~33,554,000 px (a million rows reach 34,000,000), so
  // rows are placed from a base near them (`rowsBase`, a whole number of BASE_STEP), and their
  // body is moved by base − shift: one transform, so a scroll re-renders only the rows that
  // come into view, and every row when the base moves (once per BASE_STEP px of rows).
  const offset = rowVirtualizer.scrollOffset ?? 0;
  const scale = scaled ? (stand.current?.scale ?? 1) : 1;
  const rowsBase = scaled ? Math.floor((virtualRows[0]?.start ?? 0) / BASE_STEP) * BASE_STEP : 0;

  return {
    virtualRows,
    rowsBase,
    rowsOffset: rowsBase - (offset - offset / scale),
    totalHeight: Math.min(rowVirtualizer.getTotalSize(), MAX_SCROLL_HEIGHT),
    totalWidth,
    colWindow,
    firstVisible: visible.first,
    fast,
    loadRange,
    scrollTo,
  };
}
