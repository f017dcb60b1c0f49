// Every knob of every replica, its default, and the one function that changes them
// (constructor options and POST /__replica/config both go through applyPatch).

export const PROVIDERS = ["hunter", "pdl", "apollo", "llm"] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** Answer `rate` (0..1) of the requests that passed auth and rate limits with `status`. */
export interface FaultRule {
  status: number;
  rate: number;
}

export interface CommonConfig {
  /** Fixed delay before every response, in ms. */
  latencyMs: number;
  /** Uniform random extra delay, 0..jitterMs. */
  jitterMs: number;
  /** Keys accepted in addition to those matching `keyPrefix`. */
  keys: string[];
  /** Every key starting with this is valid; null = only `keys`. */
  keyPrefix: string | null;
  /** Valid keys refused with the provider's 403 (a key without access to the endpoint). */
  forbiddenKeys: string[];
  /** Credit quota of each key (null = unlimited). Credits are counted the way each provider bills. */
  credits: number | null;
  /** Per-key quotas that override `credits`. */
  creditsByKey: Record<string, number>;
  faults: FaultRule[];
  /** Share of the synthetic population this provider finds. */
  findRate: number;
  /** Extra delay for persons whose last name is "Slow". */
  slowMs: number;
}

export interface HunterConfig extends CommonConfig {
  /**
   * Which reading of Hunter's status codes to speak. "docs": the v1/v2 documentation table,
   * 403 = rate limit reached, 429 = usage (quota) limit. "client": Hunter's current official
   * client, 429 = rate limited (with Retry-After), 402 = quota exhausted.
   */
  convention: "docs" | "client";
  perSecond: number;
  perMinute: number;
  /** Accept Hunter's documented `test-api-key` (validates params, returns one dummy answer). */
  testKey: boolean;
}

export interface PdlConfig extends CommonConfig {
  /** Fixed 60-second window per key (100 = free plan, 1000 = paying). */
  perMinute: number;
  /** PDL keys are 64 characters (the official SDK refuses others); null = any length. */
  keyLength: number | null;
}

export interface ApolloConfig extends CommonConfig {
  perMinute: number;
  perHour: number;
  perDay: number;
  /** Header names for the day window: live responses say `24-hour`, the old docs `daily`. */
  dailyHeaderNames: "24-hour" | "daily";
  /** Status when a key has no credits left (undocumented); null = 200 with the locked-email placeholder. */
  outOfCreditsStatus: number | null;
}

export interface LlmConfig extends CommonConfig {
  /** Models served; others get 404 model_not_found. */
  models: string[];
  requestsPerMinute: number;
  tokensPerMinute: number;
}

export interface ReplicasConfig {
  /** Seeds the random choices that are not derived from the request (jitter, fault injection). */
  seed: number;
  hunter: HunterConfig;
  pdl: PdlConfig;
  apollo: ApolloConfig;
  llm: LlmConfig;
}

export type ReplicasConfigPatch = { seed?: number } & { [P in ProviderName]?: Partial<ReplicasConfig[P]> };

/** PDL's SDK insists on 64-character keys, so the development key is padded to 64. */
export const DEFAULT_KEYS: Readonly<Record<ProviderName, string>> = {
  hunter: "replica-hunter-dev-key",
  pdl: "replica-pdl-dev-key-".padEnd(64, "0"),
  apollo: "replica-apollo-dev-key",
  llm: "replica-llm-dev-key",
};

function common(findRate: number, credits: number): CommonConfig {
  return {
    latencyMs: 0,
    jitterMs: 0,
    keys: [],
    keyPrefix: "replica-",
    forbiddenKeys: [],
    credits,
    creditsByKey: {},
    faults: [],
    findRate,
    slowMs: 3000,
  };
}

export function defaultConfig(): ReplicasConfig {
  return {
    seed: 1,
    hunter: {
      ...common(0.7, 1_000_000),
      convention: "client",
      perSecond: 15,
      perMinute: 500,
      testKey: true,
    },
    pdl: { ...common(0.6, 1_000_000), perMinute: 100, keyLength: 64 },
    apollo: {
      ...common(0.5, 1_000_000),
      perMinute: 200,
      perHour: 600,
      perDay: 2000,
      dailyHeaderNames: "24-hour",
      outOfCreditsStatus: 422,
    },
    llm: {
      ...common(1, 1_000_000_000),
      models: ["gpt-4o-mini"],
      requestsPerMinute: 500,
      tokensPerMinute: 200_000,
    },
  };
}

/** Fields that may be null; every other field must keep the type of its default. */
const NULLABLE = new Set(["keyPrefix", "credits", "keyLength", "outOfCreditsStatus"]);

export class ConfigError extends Error {}

/**
 * Applies a partial config in place after checking every field against the defaults'
 * types, so a typo in a test or a curl fails loudly instead of being ignored.
 */
export function applyPatch(config: ReplicasConfig, patch: unknown): void {
  if (!isPlainObject(patch)) throw new ConfigError("config patch must be a JSON object");
  const defaults = defaultConfig();
  for (const [section, value] of Object.entries(patch)) {
    if (section === "seed") {
      if (typeof value !== "number") throw new ConfigError("seed must be a number");
      config.seed = value;
      continue;
    }
    if (!(PROVIDERS as readonly string[]).includes(section))
      throw new ConfigError(`unknown config section "${section}"`);
    if (!isPlainObject(value)) throw new ConfigError(`${section} must be an object`);
    const target = config[section as ProviderName] as unknown as Record<string, unknown>;
    const reference = defaults[section as ProviderName] as unknown as Record<string, unknown>;
    for (const [field, fieldValue] of Object.entries(value)) {
      if (!Object.hasOwn(reference, field)) throw new ConfigError(`unknown field ${section}.${field}`);
      checkField(`${section}.${field}`, reference[field], fieldValue, NULLABLE.has(field));
      target[field] = structuredClone(fieldValue);
    }
  }
}

function checkField(name: string, reference: unknown, value: unknown, nullable: boolean): void {
  if (value === null) {
    if (nullable) return;
    throw new ConfigError(`${name} may not be null`);
  }
  if (Array.isArray(reference)) {
    if (!Array.isArray(value)) throw new ConfigError(`${name} must be an array`);
    if (name.endsWith(".faults")) {
      for (const rule of value) {
        if (!isPlainObject(rule) || typeof rule.status !== "number" || typeof rule.rate !== "number") {
          throw new ConfigError(`${name} entries must be { status: number, rate: number }`);
        }
      }
    } else if (value.some((item) => typeof item !== "string")) {
      throw new ConfigError(`${name} must be an array of strings`);
    }
    return;
  }
  if (isPlainObject(reference)) {
    if (!isPlainObject(value) || Object.values(value).some((v) => typeof v !== "number")) {
      throw new ConfigError(`${name} must be an object of numbers`);
    }
    return;
  }
  // A nullable field's default may itself be null; then any number/string is accepted.
  if (reference !== null && typeof value !== typeof reference) {
    throw new ConfigError(`${name} must be a ${typeof reference}`);
  }
  if (name.endsWith(".convention") && value !== "docs" && value !== "client") {
    throw new ConfigError(`${name} must be "docs" or "client"`);
  }
  if (name.endsWith(".dailyHeaderNames") && value !== "24-hour" && value !== "daily") {
    throw new ConfigError(`${name} must be "24-hour" or "daily"`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
