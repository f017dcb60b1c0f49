// What a replica saw, for tests and benchmarks: calls per endpoint and status, refusals by
// a rate limit, and the peak request rate over any rolling second and minute, so a run can
// assert "no upstream 429" together with "used at least 90 % of the limit".

export interface EndpointStats {
  calls: number;
  byStatus: Record<string, number>;
}

export interface ProviderStats {
  calls: number;
  byStatus: Record<string, number>;
  /** Keyed by `METHOD /path` of the provider's API. */
  byEndpoint: Record<string, EndpointStats>;
  /** Requests refused by a rate limit (429, or 403 under Hunter's "docs" convention). */
  rateLimited: number;
  /** Requests refused because the key's credits ran out. */
  outOfCredits: number;
  creditsBilled: number;
  creditsByKey: Record<string, number>;
  /** Most requests that arrived within any rolling 1000 ms. */
  maxRequestsPerSecond: number;
  /** Most requests that arrived within any rolling 60 s. */
  maxRequestsPerMinute: number;
}

/** Peak arrivals within a rolling window. */
class PeakRate {
  private readonly arrivals: number[] = [];
  private head = 0;
  peak = 0;

  constructor(private readonly windowMs: number) {}

  arrive(now: number): void {
    this.arrivals.push(now);
    while ((this.arrivals[this.head] as number) <= now - this.windowMs) this.head++;
    // Compact now and then so a long benchmark does not keep every timestamp.
    if (this.head > 4096) {
      this.arrivals.splice(0, this.head);
      this.head = 0;
    }
    this.peak = Math.max(this.peak, this.arrivals.length - this.head);
  }
}

export class StatsRecorder {
  private calls = 0;
  private byStatus: Record<string, number> = {};
  private byEndpoint: Record<string, EndpointStats> = Object.create(null);
  private rateLimited = 0;
  private outOfCredits = 0;
  private perSecond = new PeakRate(1000);
  private perMinute = new PeakRate(60_000);

  arrive(now: number): void {
    this.perSecond.arrive(now);
    this.perMinute.arrive(now);
  }

  record(endpoint: string, status: number, outcome: { rateLimited?: boolean; outOfCredits?: boolean }): void {
    this.calls++;
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    const entry = this.byEndpoint[endpoint] ?? { calls: 0, byStatus: {} };
    entry.calls++;
    entry.byStatus[status] = (entry.byStatus[status] ?? 0) + 1;
    this.byEndpoint[endpoint] = entry;
    if (outcome.rateLimited) this.rateLimited++;
    if (outcome.outOfCredits) this.outOfCredits++;
  }

  snapshot(credits: { total: number; byKey: Record<string, number> }): ProviderStats {
    return structuredClone({
      calls: this.calls,
      byStatus: this.byStatus,
      byEndpoint: { ...this.byEndpoint },
      rateLimited: this.rateLimited,
      outOfCredits: this.outOfCredits,
      creditsBilled: credits.total,
      creditsByKey: credits.byKey,
      maxRequestsPerSecond: this.perSecond.peak,
      maxRequestsPerMinute: this.perMinute.peak,
    });
  }

  reset(): void {
    this.calls = 0;
    this.byStatus = {};
    this.byEndpoint = Object.create(null);
    this.rateLimited = 0;
    this.outOfCredits = 0;
    this.perSecond = new PeakRate(1000);
    this.perMinute = new PeakRate(60_000);
  }
}
