// OpenAI describes its limits as quantities that replenish continuously ("x-ratelimit-reset-
// requests: time until the rate limit resets to its initial state"), i.e. a token bucket
// that refills `capacity` per minute. One bucket per key and quantity (requests, tokens).

const MINUTE_MS = 60_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, { level: number; at: number }>();

  /** What is available now. */
  level(key: string, capacity: number, now: number): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return capacity;
    return Math.min(capacity, bucket.level + ((now - bucket.at) * capacity) / MINUTE_MS);
  }

  take(key: string, capacity: number, amount: number, now: number): void {
    this.buckets.set(key, { level: this.level(key, capacity, now) - amount, at: now });
  }

  /** Milliseconds until `amount` is available (0 if it already is). */
  msUntil(key: string, capacity: number, amount: number, now: number): number {
    const missing = amount - this.level(key, capacity, now);
    return missing <= 0 ? 0 : Math.ceil((missing * MINUTE_MS) / capacity);
  }

  reset(): void {
    this.buckets.clear();
  }
}
