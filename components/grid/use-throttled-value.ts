import { useEffect, useRef, useState } from "react";

/**
 * The value, updated at most every `ms` (first change at once, the last one always
 * delivered): a fast scroll through 100,000 rows asks for a handful of row windows, not
 * hundreds, and the window under the final position always loads.
 */
export function useThrottledValue<T>(value: T, ms: number, equal: (a: T, b: T) => boolean): T {
  const [throttled, setThrottled] = useState(value);
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(value);
  latest.current = value;

  useEffect(() => {
    if (equal(value, throttled)) return;
    const wait = last.current + ms - Date.now();
    if (wait <= 0) {
      last.current = Date.now();
      setThrottled(value);
      return;
    }
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      last.current = Date.now();
      setThrottled(latest.current);
    }, wait);
  }, [value, throttled, ms, equal]);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  return throttled;
}
