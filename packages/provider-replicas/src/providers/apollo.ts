// Apollo People Enrichment: POST /api/v1/people/match (legacy /v1/people/match), inputs as
// query parameters (current spec) or a JSON body (old docs). Sources: Apollo's official
// OpenAPI spec and apolloio/apollo-api-docs. Order: key → rate limit → injected fault →
// parameters → lookup → credits (Apollo bills only when it returns data).
import { bearerToken, json, parseJsonObject, type ReplicaResponse } from "../http";
import { apolloEmailLocked, isAcceptAll, isFound } from "../population/coverage";
import { hasLastName } from "../population/edge-cases";
import { type Person, personByEmail, personFor, splitFullName } from "../population/person";
import type { Verdict, WindowState } from "../rate-limit";
import type { Handled, Handler, ReplicaContext } from "../runtime";
import { apolloPerson } from "./apollo-person";

const MATCH_PATHS = new Set(["/api/v1/people/match", "/v1/people/match"]);
const HEALTH_PATHS = new Set(["/api/v1/auth/health", "/v1/auth/health"]);

/** The spec's 401 is text/plain, not JSON. */
const UNAUTHORIZED: ReplicaResponse = {
  status: 401,
  text: "Invalid API key. See https://docs.apollo.io/reference/authentication for how to authenticate.",
};

function apolloError(status: number, headers?: Record<string, string>, error?: string): ReplicaResponse {
  if (status === 401) return UNAUTHORIZED;
  if (status === 403) {
    return json(
      403,
      { error: "This API key is not authorized to access api/v1/people/match.", error_code: "API_INACCESSIBLE" },
      headers,
    );
  }
  if (status >= 500)
    return json(status, { error: "An error occurred while processing your request. Please try again." }, headers);
  const fallback: Record<number, string> = {
    400: "Invalid request",
    404: "Record not found.",
    422: "Invalid parameters",
  };
  return json(status, { error: error ?? fallback[status] ?? "Request failed" }, headers);
}

const PER: Record<string, string> = { minute: "minute", hourly: "hour", daily: "day" };

function rateLimited(window: WindowState, headers: Record<string, string>): ReplicaResponse {
  return json(
    429,
    {
      message: `The maximum number of api calls allowed for api/v1/people/match is ${window.limit} times per ${PER[window.name]}. Please upgrade your plan from https://app.apollo.io/#/settings/plans/upgrade.`,
    },
    headers,
  );
}

export const apolloHandler: Handler<"apollo"> = (req, ctx) => {
  const endpoint = `${req.method} ${req.path}`;
  const done = (response: ReplicaResponse, extra: Omit<Handled["outcome"], "endpoint"> = {}): Handled => ({
    response,
    outcome: { endpoint, ...extra },
  });
  // Documented: `x-api-key` header ("Recommended") or an OAuth bearer token.
  const key = req.headers["x-api-key"] || bearerToken(req.headers);
  if (HEALTH_PATHS.has(req.path) && req.method === "GET") {
    return done(ctx.isValidKey(key) ? json(200, { is_logged_in: true }) : UNAUTHORIZED);
  }
  if (req.method !== "POST" || !MATCH_PATHS.has(req.path)) return done(apolloError(404));
  if (!ctx.isValidKey(key)) return done(UNAUTHORIZED);
  if (ctx.isForbiddenKey(key)) return done(apolloError(403));

  const { perMinute, perHour, perDay } = ctx.config;
  const verdict = ctx.limiter.take(
    key,
    [
      { name: "minute", limit: perMinute, ms: 60_000, kind: "fixed" },
      { name: "hourly", limit: perHour, ms: 3_600_000, kind: "fixed" },
      { name: "daily", limit: perDay, ms: 86_400_000, kind: "fixed" },
    ],
    ctx.now(),
  );
  const headers = rateHeaders(ctx, verdict);
  if (verdict.exceeded) return done(rateLimited(verdict.exceeded, headers), { rateLimited: true });

  const fault = ctx.injectedFault();
  if (fault !== undefined) {
    const minute = verdict.windows[0] as WindowState;
    const response = fault === 429 ? rateLimited(minute, headers) : apolloError(fault, headers);
    return done(response, { rateLimited: fault === 429 });
  }

  const body = parseJsonObject(req.body);
  if (body === null) return done(apolloError(400, headers, "The request body is not valid JSON"));
  const param = (name: string): string | null => {
    const value = body && Object.hasOwn(body, name) ? body[name] : req.query.get(name);
    return value === undefined || value === null ? null : String(value).trim() || null;
  };
  const identifying = ["first_name", "last_name", "name", "email", "hashed_email", "id", "linkedin_url"];
  if (!identifying.some((name) => param(name) !== null)) {
    return done(apolloError(422, headers, `Please provide at least one of: ${identifying.join(", ")}`));
  }
  const flag = (name: string) => param(name)?.toLowerCase() === "true";
  const webhook = param("webhook_url");
  for (const option of ["reveal_phone_number", "run_waterfall_email", "run_waterfall_phone"]) {
    if (flag(option) && !webhook) {
      return done(apolloError(422, headers, `Please add a valid 'webhook_url' parameter when using '${option}'`));
    }
  }

  const person = lookup(param);
  const slow = person ? hasLastName(person, "slow") : false;
  if (person && hasLastName(person, "flaky") && ctx.firstTime(`flaky|${person.key}`)) {
    return done(apolloError(503, headers), { slow });
  }
  const waterfall =
    flag("run_waterfall_email") || flag("run_waterfall_phone")
      ? {
          waterfall: {
            status: "accepted",
            message: "Waterfall enrichment request accepted. Results will be sent to your webhook.",
          },
        }
      : {};
  const answer = (found: Record<string, unknown> | null) => ({
    status: 200,
    // request_id is a 64-bit integer beyond Number.MAX_SAFE_INTEGER: splice it in as raw digits.
    rawJson: JSON.stringify({ person: found, ...waterfall, request_id: "@@id@@" }).replace('"@@id@@"', requestId(ctx)),
    headers,
  });
  // No match is a 200 with `person: null` (bulk docs: "unmatched people are returned as null").
  if (!person || !isFound("apollo", person, ctx.config.findRate)) return done(answer(null), { slow });

  let locked = apolloEmailLocked(person);
  if (ctx.creditsLeft(key) === 0) {
    // Undocumented: an error status by default, or (null) the placeholder without a charge.
    const status = ctx.config.outOfCreditsStatus;
    if (status !== null) {
      const error =
        "You have insufficient credits to complete this request. Please purchase more credits or upgrade your plan.";
      return done(apolloError(status, headers, error), { outOfCredits: true, slow });
    }
    locked = true;
  } else {
    // "1 credit for demographics or email"; nothing when nothing is returned.
    ctx.ledger.spend(key, 1);
  }
  return done(answer(apolloPerson(person, { locked, acceptAll: isAcceptAll(person) })), { slow });
};

/** Name + (domain or organization_name), or an email whose shape the population can invert. */
function lookup(param: (name: string) => string | null): Person | null {
  const email = param("email");
  const byEmail = email ? personByEmail(email) : null;
  if (byEmail) return byEmail;
  const company = param("domain") ?? param("organization_name");
  if (!company) return null;
  const first = param("first_name");
  const last = param("last_name");
  const names = first && last ? { firstName: first, lastName: last } : splitFullName(param("name") ?? "");
  return names ? personFor({ ...names, company }) : null;
}

/** Apollo's fixed-window headers; the day window's names follow `dailyHeaderNames`. */
function rateHeaders(ctx: ReplicaContext<"apollo">, verdict: Verdict): Record<string, string> {
  const [minute, hour, day] = verdict.windows as [WindowState, WindowState, WindowState];
  const daily = ctx.config.dailyHeaderNames;
  const dayLimit = daily === "daily" ? "x-rate-limit-daily" : "x-rate-limit-24-hour";
  return {
    "x-rate-limit-minute": String(minute.limit),
    "x-minute-usage": String(minute.used),
    "x-minute-requests-left": String(minute.remaining),
    "x-rate-limit-hourly": String(hour.limit),
    "x-hourly-usage": String(hour.used),
    "x-hourly-requests-left": String(hour.remaining),
    [dayLimit]: String(day.limit),
    [`x-${daily}-usage`]: String(day.used),
    [`x-${daily}-requests-left`]: String(day.remaining),
  };
}

/** 19 digits starting with 1 (within int64), like the spec's example, from the seeded PRNG. */
function requestId(ctx: ReplicaContext<"apollo">): string {
  let digits = "1";
  while (digits.length < 19) digits += String(Math.floor(ctx.random() * 10));
  return digits;
}
