// The state one replica keeps between requests (rate windows, credits, stats, one-shot
// triggers) and the steps every request goes through whatever the provider: count the
// arrival, run the provider's handler, record the outcome, then wait the configured latency.
import type { ProviderName, ReplicasConfig } from "./config";
import { CreditLedger } from "./credits";
import type { ReplicaRequest, ReplicaResponse } from "./http";
import { RateLimiter } from "./rate-limit";
import { type ProviderStats, StatsRecorder } from "./stats";
import { TokenBuckets } from "./token-bucket";

/** What the handler tells the runtime about a request besides the response itself. */
export interface Outcome {
  /** `METHOD /path` as the provider documents it, for stats. */
  endpoint: string;
  rateLimited?: boolean;
  outOfCredits?: boolean;
  /** The person triggers the "Slow" edge case: add `slowMs`. */
  slow?: boolean;
}

export interface Handled {
  response: ReplicaResponse;
  outcome: Outcome;
}

export type Handler<P extends ProviderName> = (
  req: ReplicaRequest,
  ctx: ReplicaContext<P>,
) => Handled | Promise<Handled>;

/** Shared by all replicas of one server: the config object, the clock and the seeded PRNG. */
export interface Environment {
  config: ReplicasConfig;
  now: () => number;
  random: () => number;
}

export class ReplicaContext<P extends ProviderName> {
  readonly limiter = new RateLimiter();
  readonly buckets = new TokenBuckets();
  readonly ledger = new CreditLedger();
  readonly stats = new StatsRecorder();
  private readonly seen = new Set<string>();

  constructor(
    readonly name: P,
    private readonly env: Environment,
  ) {}

  get config(): ReplicasConfig[P] {
    return this.env.config[this.name];
  }

  now(): number {
    return this.env.now();
  }

  random(): number {
    return this.env.random();
  }

  /** Valid = listed in `keys` or starting with `keyPrefix`. */
  isValidKey(key: string | undefined): key is string {
    if (!key) return false;
    const { keys, keyPrefix } = this.config;
    return keys.includes(key) || (keyPrefix !== null && key.startsWith(keyPrefix));
  }

  isForbiddenKey(key: string): boolean {
    return this.config.forbiddenKeys.includes(key);
  }

  quota(key: string): number | null {
    const { creditsByKey, credits } = this.config;
    return Object.hasOwn(creditsByKey, key) ? (creditsByKey[key] as number) : credits;
  }

  /** Credits left for `key`; null = unlimited. */
  creditsLeft(key: string): number | null {
    return this.ledger.remaining(key, this.quota(key));
  }

  /** The status of an injected fault for this request, if the dice say so. */
  injectedFault(): number | undefined {
    for (const rule of this.config.faults) {
      if (this.random() < rule.rate) return rule.status;
    }
    return undefined;
  }

  /** True the first time `id` is seen since the last reset (for "fails once" triggers). */
  firstTime(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    return true;
  }

  snapshot(): ProviderStats {
    return this.stats.snapshot({ total: this.ledger.total(), byKey: this.ledger.byKey() });
  }

  reset(): void {
    this.limiter.reset();
    this.buckets.reset();
    this.ledger.reset();
    this.stats.reset();
    this.seen.clear();
  }

  /** Runs one request through `handler`; resolves after the configured latency. */
  async serve(req: ReplicaRequest, handler: Handler<P>): Promise<ReplicaResponse> {
    this.stats.arrive(this.now());
    const { response, outcome } = await handler(req, this);
    this.stats.record(outcome.endpoint, response.status, outcome);
    const { latencyMs, jitterMs, slowMs } = this.config;
    const delay = latencyMs + (jitterMs > 0 ? this.random() * jitterMs : 0) + (outcome.slow ? slowMs : 0);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    return response;
  }
}
