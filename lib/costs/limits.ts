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
 * Milliseconds between two calls so that no window of `periodSeconds` ever holds more than
 * `limit` calls, whether the provider counts in fixed or sliding windows: calls spaced
 * period/(limit−1) apart put at most limit−1+1 = limit calls in any window.
 */
export function spacingMs(spec: RateLimitSpec): number {
  return (spec.periodSeconds * 1000) / Math.max(1, spec.limit - 1);
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
  }));
}
