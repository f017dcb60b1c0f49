import "server-only";

// The only reader of process.env. Values are read lazily so that tests and scripts can
// set DATABASE_URL after import (for example once an embedded Postgres is running).

function read(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === "" ? undefined : value;
}

function int(name: string, fallback: number): number {
  const raw = read(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got "${raw}"`);
  return value;
}

function list(name: string): string[] | undefined {
  const raw = read(name);
  return raw
    ?.split(",")
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);
}

export const env = {
  get isProduction() {
    return process.env.NODE_ENV === "production";
  },
  /** The app's public origin (e.g. https://glaze.example.com), when it is served from one. */
  get publicUrl() {
    return read("GLAZE_PUBLIC_URL");
  },
  /**
   * Host names the app answers to (DNS-rebinding guard); "*" turns the check off. Localhost
   * names and GLAZE_PUBLIC_URL's host are always allowed.
   */
  get allowedHosts() {
    return list("GLAZE_ALLOWED_HOSTS") ?? [];
  },
  /** Other origins whose browser pages may write through the API (CORS is not enabled for them). */
  get trustedOrigins() {
    return list("GLAZE_TRUSTED_ORIGINS") ?? [];
  },
  /** External Postgres; when unset the embedded server is used. */
  get databaseUrl() {
    return read("DATABASE_URL");
  },
  get databasePoolSize() {
    return int("GLAZE_DB_POOL_SIZE", 20);
  },
  /** better-auth's public origin (BETTER_AUTH_URL); defaults to GLAZE_PUBLIC_URL, else each request's own. */
  get authUrl() {
    return read("BETTER_AUTH_URL") ?? read("GLAZE_PUBLIC_URL");
  },
  /** Signs session cookies (BETTER_AUTH_SECRET, at least 32 characters; required in production). */
  get authSecret() {
    return read("BETTER_AUTH_SECRET");
  },
  /** GLAZE_ALLOW_SIGNUP=false closes sign-up (the first account on an empty database can always be created). */
  get allowSignUp() {
    return read("GLAZE_ALLOW_SIGNUP") !== "false";
  },
  /** API requests one key may make per minute (shared by every app instance). */
  get apiRequestsPerMinute() {
    return int("GLAZE_API_RATE_LIMIT_PER_MINUTE", 1200);
  },
  /** Overrides how long a job may go without progress before the watchdog re-drives it. */
  get watchdogStallSeconds() {
    const raw = read("GLAZE_WATCHDOG_STALL_SECONDS");
    return raw === undefined ? undefined : int("GLAZE_WATCHDOG_STALL_SECONDS", 0);
  },
  /** Days an ended job keeps its superseded tasks before the retention pass deletes them. */
  get taskRetentionDays() {
    const raw = read("GLAZE_TASK_RETENTION_DAYS");
    return raw === undefined ? undefined : int("GLAZE_TASK_RETENTION_DAYS", 0);
  },
  /** How often an idle event stream gets a heartbeat event (lib/realtime). */
  get sseHeartbeatMs() {
    return int("GLAZE_SSE_HEARTBEAT_MS", 15_000);
  },
  /** How often an open event stream checks that its credentials still grant reading the table (lib/realtime/access-guard.ts). */
  get sseRecheckMs() {
    return int("GLAZE_SSE_RECHECK_MS", 10_000);
  },
  /** Bytes an event stream may have queued before its client counts as unable to keep up. */
  get sseMaxBufferedBytes() {
    return int("GLAZE_SSE_MAX_BUFFERED_BYTES", 8 * 1024 * 1024);
  },
  /** Largest CSV body an import accepts (POST /api/tables/import and append); it is streamed, not held. */
  get csvImportMaxBytes() {
    return int("GLAZE_CSV_IMPORT_MAX_BYTES", 512 * 1024 * 1024);
  },
  /** How long one import's transaction may stay open (upload included) before it is rolled back. */
  get csvImportTimeoutMs() {
    return int("GLAZE_CSV_IMPORT_TIMEOUT_SECONDS", 1800) * 1000;
  },
  /** Port of the worker process (`npm run worker`) that serves the Inngest functions. */
  get workerPort() {
    return int("GLAZE_WORKER_PORT", 8289);
  },
  /** Address the worker binds to; 0.0.0.0 when Inngest reaches it from another machine. */
  get workerHost() {
    return read("GLAZE_WORKER_HOST") ?? "127.0.0.1";
  },
  /** Simulated latency in milliseconds of the demo provider (columns without a recipe). */
  get providerLatencyMs() {
    return int("GLAZE_PROVIDER_LATENCY_MS", 0);
  },
  /**
   * Where each provider is reached, defaulting to the real services; tests and `npm run dev`
   * point them at the local replicas (packages/provider-replicas).
   */
  get providerBaseUrls() {
    return {
      hunter: read("GLAZE_HUNTER_BASE_URL") ?? "https://api.hunter.io",
      pdl: read("GLAZE_PDL_BASE_URL") ?? "https://api.peopledatalabs.com",
      apollo: read("GLAZE_APOLLO_BASE_URL") ?? "https://api.apollo.io",
      llm: read("GLAZE_LLM_BASE_URL") ?? "https://api.openai.com/v1",
    };
  },
  /** Chat model of the LLM fallback (any model the OpenAI-compatible server at GLAZE_LLM_BASE_URL serves). */
  get llmModel() {
    return read("GLAZE_LLM_MODEL") ?? "gpt-4o-mini";
  },
  /**
   * Deployment-wide provider keys, used by workspaces that stored none of their own (`npm run
   * dev` sets the replicas' development keys here).
   */
  get providerFallbackKeys(): Record<"hunter" | "pdl" | "apollo" | "llm", string | undefined> {
    return {
      hunter: read("GLAZE_HUNTER_API_KEY"),
      pdl: read("GLAZE_PDL_API_KEY"),
      apollo: read("GLAZE_APOLLO_API_KEY"),
      llm: read("GLAZE_LLM_API_KEY"),
    };
  },
  /** Providers that `npm run dev` pointed at the local replicas (shown as demo mode). */
  get demoProviders() {
    return list("GLAZE_DEMO_PROVIDERS") ?? [];
  },
  /** Milliseconds before a provider call is abandoned (a transient failure). */
  get providerTimeoutMs() {
    return int("GLAZE_PROVIDER_TIMEOUT_MS", 30_000);
  },
  /** Lets HTTP-provider columns reach private, loopback and link-local addresses (development, tests). */
  get allowPrivateHttp() {
    return read("GLAZE_ALLOW_PRIVATE_HTTP") === "1";
  },
  /** The key that encrypts stored provider secrets (base64 or hex of 32 bytes). */
  get secretKey() {
    return read("GLAZE_SECRET_KEY");
  },
  /** Earlier secret keys, comma-separated, still accepted for decrypting (key rotation). */
  get previousSecretKeys() {
    return (read("GLAZE_SECRET_KEY_PREVIOUS") ?? "")
      .split(",")
      .map((key) => key.trim())
      .filter(Boolean);
  },
  /** Days a cached provider answer is reused, for providers the workspace set no TTL for (lib/costs/cache.ts). */
  get cacheTtlDays() {
    return int("GLAZE_CACHE_TTL_DAYS", 30);
  },
  /**
   * Longest a provider call waits inside a step for its rate-limit slot; a longer wait answers
   * "rate limited" with the wait as Retry-After, so the step is retried later instead.
   */
  get rateLimitMaxWaitMs() {
    return int("GLAZE_RATE_LIMIT_MAX_WAIT_MS", 300_000);
  },
  /** How long an in-flight lookup holds its single-flight claim before others may take it over. */
  get singleFlightLeaseMs() {
    return int("GLAZE_SINGLE_FLIGHT_LEASE_MS", int("GLAZE_PROVIDER_TIMEOUT_MS", 30_000) + 10_000);
  },
  /** The confirm threshold (credits) of workspaces that set none. */
  get confirmThresholdCredits() {
    return int("GLAZE_CONFIRM_THRESHOLD_CREDITS", 100);
  },
};
