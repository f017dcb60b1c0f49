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
  /** Port of the worker process (`npm run worker`) that serves the Inngest functions. */
  get workerPort() {
    return int("GLAZE_WORKER_PORT", 8289);
  },
  /** Address the worker binds to; 0.0.0.0 when Inngest reaches it from another machine. */
  get workerHost() {
    return read("GLAZE_WORKER_HOST") ?? "127.0.0.1";
  },
  /** Simulated provider latency in milliseconds (fake providers only). */
  get providerLatencyMs() {
    return int("GLAZE_PROVIDER_LATENCY_MS", 0);
  },
};
