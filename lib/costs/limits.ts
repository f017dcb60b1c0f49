import { readOwn } from "../json";
import { type AdapterInfo, adapterInfo, CATALOG } from "../providers/catalog";

// Per-provider rate limits (documented defaults, editable per workspace) and cache lifetimes.
// A limit is one window: `limit` calls per `periodSeconds`. The default is the provider's
// tightest documented sustained window among per-second and per-minute (Hunter: 500/min,
// which is tighter than 15/s sustained); hourly and daily windows are left to the provider's
// 429 and its Retry-After. Pure: the browser imports it too.

export type RateLimitSpec = { limit: number; periodSeconds: number };

export function defaultRateLimit(info: AdapterInfo): RateLimitSpec | null {
  const windows: RateLimitSpec[] = [];
  if (info.rateLimit.perSecond) windows.push({ limit: info.rateLimit.perSecond, periodSeconds: 1 });
  if (info.rateLimit.perMinute) windows.push({ limit: info.rateLimit.perMinute, periodSeconds: 60 });
  if (windows.length === 0) return null;
  return windows.reduce((a, b) => (b.limit / b.periodSeconds < a.limit / a.periodSeconds ? b : a));
}

export function rateLimitOf(provider: string, overrides: Record<string, RateLimitSpec>): RateLimitSpec | null {
  const own = readOwn(overrides, provider) as RateLimitSpec | undefined;
  if (own) return own;
  const info = adapterInfo(provider);
  return info ? defaultRateLimit(info) : null;
}

/**
 * Jitter a provider may see between our slots and its own count of our requests (event-loop
 * lag before the request leaves, the network, the provider's own clock) that pacing absorbs.
 */
export const PACING_JITTER_MS = 90;

/**
 * Milliseconds between two calls so that no window of `periodSeconds` ever holds more than
 * `limit` calls, whether the provider counts in fixed or sliding windows, even when requests
 * arrive up to PACING_JITTER_MS out of step: any limit + 1 consecutive calls span limit
 * spacings, which must exceed the period by at least that jitter. Calls spaced period/(limit−1)
 * apart always leave one spacing of it (PDL at 100/min: 606 ms); for fast providers that is
 * less than the jitter (Hunter at 15/s: 71 ms), so they are spaced (period + jitter)/limit
 * (72.7 ms: 13.8 calls/s, 91.7 % of the limit). At 71 ms, runs of the costs bench saw about one
 * request in 2,000 refused with 429.
 */
export function spacingMs(spec: RateLimitSpec): number {
  const period = spec.periodSeconds * 1000;
  return Math.max(period / Math.max(1, spec.limit - 1), (period + PACING_JITTER_MS) / spec.limit);
}

/** Providers whose answers are cached: lookups of a documented database, not the LLM or a user's HTTP API. */
export const CACHEABLE = new Set(["hunter.email-finder", "pdl.person", "apollo.people-match"]);

export function cacheTtlDaysOf(provider: string, overrides: Record<string, number>, fallback: number): number {
  const own = readOwn(overrides, provider) as number | undefined;
  return own ?? fallback;
}

export type ProviderLimitDto = {
  provider: string;
  name: string;
  rateLimit: RateLimitSpec | null;
  defaultRateLimit: RateLimitSpec | null;
  cached: boolean;
  cacheTtlDays: number | null;
  /** Its lifetime without the workspace's own (GLAZE_CACHE_TTL_DAYS); null when never cached. */
  defaultCacheTtlDays: number | null;
};

export function limitList(
  rateLimits: Record<string, RateLimitSpec>,
  ttl: Record<string, number>,
  fallbackTtl: number,
): ProviderLimitDto[] {
  return (CATALOG as readonly AdapterInfo[]).map((info) => ({
    provider: info.id,
    name: info.name,
    rateLimit: rateLimitOf(info.id, rateLimits),
    defaultRateLimit: defaultRateLimit(info),
    cached: CACHEABLE.has(info.id),
    cacheTtlDays: CACHEABLE.has(info.id) ? cacheTtlDaysOf(info.id, ttl, fallbackTtl) : null,
    defaultCacheTtlDays: CACHEABLE.has(info.id) ? fallbackTtl : null,
  }));
}
