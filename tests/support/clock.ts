/**
 * Waits for the next minute when fewer than 15 s are left in this one: fixed per-minute
 * windows (a replica's PDL and Apollo limits, an API key's requests) are aligned to the
 * clock's minutes, so calls that must fall in one window would otherwise sometimes straddle its end.
 */
export async function withinOneClockMinute(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 45_000) await new Promise((resolve) => setTimeout(resolve, 60_500 - intoMinute));
}
