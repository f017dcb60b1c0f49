// Hunter Email Finder: GET /v2/email-finder (hunter.io/api-documentation/v2).
// Order of checks: key → rate limit → injected fault → parameters → quota → lookup.
import { bearerToken, json, type ReplicaRequest, type ReplicaResponse } from "../http";
import { hunterScore, isAcceptAll, isFound } from "../population/coverage";
import { hasLastName } from "../population/edge-cases";
import { companyDomain } from "../population/normalize";
import { personFor, splitFullName } from "../population/person";
import type { WindowState } from "../rate-limit";
import type { Handled, Handler, ReplicaContext } from "../runtime";
import {
  erased,
  type FinderParams,
  forbidden,
  found,
  hunterError,
  hunterErrorFor,
  notFound,
  paymentRequired,
  testKeyAnswer,
  unauthorized,
  usageLimitReached,
} from "./hunter-bodies";

const ENDPOINT = "GET /v2/email-finder";
/** Documented: "A special API key can be used to test our API: test-api-key." */
export const HUNTER_TEST_KEY = "test-api-key";

export const hunterHandler: Handler<"hunter"> = (req, ctx) => {
  if (req.path !== "/v2/email-finder" || req.method !== "GET") {
    return {
      response: hunterError(404, "not_found", "The requested resource does not exist."),
      outcome: { endpoint: `${req.method} ${req.path}` },
    };
  }
  const done = (response: ReplicaResponse, extra: Omit<Handled["outcome"], "endpoint"> = {}): Handled => ({
    response,
    outcome: { endpoint: ENDPOINT, ...extra },
  });
  // Documented: `api_key` query parameter or `X-API-KEY` header; Hunter's own client sends Bearer.
  const key = req.query.get("api_key") || req.headers["x-api-key"] || bearerToken(req.headers);
  const config = ctx.config;

  if (key === HUNTER_TEST_KEY && config.testKey) {
    const parsed = parseParams(req);
    return done("error" in parsed ? parsed.error : json(200, testKeyAnswer(parsed.params)));
  }
  if (!ctx.isValidKey(key)) return done(unauthorized());
  if (ctx.isForbiddenKey(key)) return done(forbidden());

  const verdict = ctx.limiter.take(
    key,
    [
      { name: "second", limit: config.perSecond, ms: 1000, kind: "sliding" },
      { name: "minute", limit: config.perMinute, ms: 60_000, kind: "sliding" },
    ],
    ctx.now(),
  );
  if (verdict.exceeded) return done(rateLimited(ctx, verdict.exceeded), { rateLimited: true });

  const fault = ctx.injectedFault();
  if (fault !== undefined) return done(faultResponse(ctx, fault), { rateLimited: isRateLimitStatus(ctx, fault) });

  const parsed = parseParams(req);
  if ("error" in parsed) return done(parsed.error);
  const { params, firstName, lastName, company } = parsed;

  if (ctx.creditsLeft(key) === 0) {
    return done(config.convention === "docs" ? usageLimitReached() : paymentRequired(), { outOfCredits: true });
  }

  const person = personFor({ firstName, lastName, company });
  const domain = companyDomain(company);
  if (!person) return done(json(200, notFound(domain, params)));
  const slow = hasLastName(person, "slow");
  if (hasLastName(person, "erased")) return done(erased(), { slow });
  if (hasLastName(person, "flaky") && ctx.firstTime(`flaky|${person.key}`)) return done(hunterErrorFor(503), { slow });
  if (hasLastName(person, "pending") && ctx.firstTime(`pending|${person.key}`)) {
    return done(hunterErrorFor(202), { slow });
  }
  if (!isFound("hunter", person, config.findRate)) return done(json(200, notFound(domain, params)), { slow });
  // Billing: "1 request is counted for every email found"; misses are free.
  ctx.ledger.spend(key, 1);
  return done(json(200, found(person, hunterScore(person), isAcceptAll(person), params)), { slow });
};

function isRateLimitStatus(ctx: ReplicaContext<"hunter">, status: number): boolean {
  return status === (ctx.config.convention === "docs" ? 403 : 429);
}

/** "docs": 403 "You have reached the rate limit."; "client": 429 with Retry-After seconds. */
function rateLimited(ctx: ReplicaContext<"hunter">, window: WindowState): ReplicaResponse {
  if (ctx.config.convention === "docs") {
    // Not "forbidden": clients tell a 403 rate limit from a 403 refusal by this id (inferred).
    return hunterError(403, "too_many_requests", "You have reached the rate limit.");
  }
  const seconds = Math.max(1, Math.ceil((window.resetAt - ctx.now()) / 1000));
  return hunterError(
    429,
    "too_many_requests",
    `You have reached the rate limit of ${window.limit} requests per ${window.name}.`,
    {
      "retry-after": String(seconds),
    },
  );
}

/** Injected rate-limit and quota statuses speak the configured convention. */
function faultResponse(ctx: ReplicaContext<"hunter">, status: number): ReplicaResponse {
  const docs = ctx.config.convention === "docs";
  if (status === 403 && docs) return hunterError(403, "too_many_requests", "You have reached the rate limit.");
  if (status === 429 && docs) return usageLimitReached();
  return hunterErrorFor(status);
}

type Parsed =
  | { params: FinderParams; firstName: string; lastName: string; company: string }
  | { error: ReplicaResponse };

/**
 * domain (or company) and first_name + last_name (or full_name) are required; the docs:
 * "If you send a request with both the domain and the company name, we'll use the domain
 * name." max_duration is clamped to 3..20 (the documented range).
 */
function parseParams(req: ReplicaRequest): Parsed {
  const get = (name: string) => req.query.get(name)?.trim() || null;
  const rawDuration = get("max_duration");
  const duration = rawDuration === null ? null : Number(rawDuration);
  const params: FinderParams = {
    first_name: get("first_name"),
    last_name: get("last_name"),
    full_name: get("full_name"),
    domain: get("domain"),
    company: get("company"),
    max_duration:
      duration === null || !Number.isFinite(duration) ? null : Math.min(20, Math.max(3, Math.round(duration))),
  };
  const wrong = (details: string) => ({ error: hunterError(400, "wrong_params", details) });
  if (!params.domain && !params.company) return wrong("You are missing the domain parameter");
  if (params.domain && companyDomain(params.domain) === null) return wrong("The domain parameter is invalid");
  if (rawDuration !== null && params.max_duration === null)
    return wrong("max_duration must be a number between 3 and 20");
  let firstName = params.first_name;
  let lastName = params.last_name;
  if (!firstName || !lastName) {
    const split = params.full_name ? splitFullName(params.full_name) : null;
    if (!split) {
      return wrong(
        params.full_name
          ? "The full_name parameter must contain a first and a last name"
          : "You are missing the first_name and last_name parameters (or full_name)",
      );
    }
    ({ firstName, lastName } = split);
  }
  return { params, firstName, lastName, company: (params.domain ?? params.company) as string };
}
