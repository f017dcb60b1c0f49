import { useEffect, useRef } from "react";

/** Rows per render beyond which a scroll counts as fast: about half a screenful. */
const FAST_JUMP_ROWS = 12;

/**
 * True while the grid scrolls faster than a person can read (more than half a screen per
 * frame, e.g. dragging the scrollbar through 100,000 rows). The grid then draws only row
 * lines and a position badge, so a frame costs almost nothing however far it jumps, and
 * draws real rows again as soon as the scroll slows down or stops.
 */
export function useFastScroll(isScrolling: boolean, firstIndex: number): boolean {
  const previousFirst = useRef(firstIndex);
  const fast = useRef(false);
  const jump = Math.abs(firstIndex - previousFirst.current);
  if (!isScrolling) fast.current = false;
  else if (jump > FAST_JUMP_ROWS) fast.current = true;
  else if (jump > 0) fast.current = false;
  useEffect(() => {
    previousFirst.current = firstIndex;
  });
  return fast.current;
}
