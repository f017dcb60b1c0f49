// People Data Labs Person Enrichment: GET (or POST with a JSON body) /v5/person/enrich
// (docs.peopledatalabs.com: reference-person-enrichment-api, errors, usage-limits).
// Order of checks: key → rate limit → injected fault → parameters → credits → lookup.
import { json, parseJsonObject, type ReplicaResponse } from "../http";
import { isFound, pdlLikelihood } from "../population/coverage";
import { hasLastName } from "../population/edge-cases";
import { type Person, personByEmail, personFor, splitFullName } from "../population/person";
import type { Verdict } from "../rate-limit";
import type { Handled, Handler, ReplicaContext } from "../runtime";
import { hasData, includeFields, pdlRecord, titlecased } from "./pdl-record";
import { satisfiesRequired } from "./pdl-required";

const ENDPOINT_PATH = "/v5/person/enrich";

/** PDL's error shape `{status, error:{type, message}}`; messages from the official JS SDK. */
export function pdlError(status: number, headers?: Record<string, string>, message?: string): ReplicaResponse {
  const known: Record<number, [string, string]> = {
    400: ["invalid_request_error", "Request contained either missing or invalid parameters"],
    401: ["authentication_error", "Request contained a missing or invalid key"],
    402: ["payment_required", "Payment Required, You have hit your account maximum (all matches used)"],
    // 403 is in neither the SDK table nor the OpenAPI spec: type and wording inferred.
    403: ["forbidden", "This API key does not have access to this endpoint"],
    404: ["not_found", "No records were found matching your request"],
    405: ["invalid_request_error", "Request method is not allowed on the requested resource"],
    429: ["rate_limit_error", "An error occurred due to requests hitting the API too quick"],
  };
  const [type, text] = known[status] ?? [
    "api_error",
    "The server encountered an unexpected condition which prevented it from fulfilling the request",
  ];
  return { status, json: { status, error: { type, message: message ?? text } }, headers };
}

export const pdlHandler: Handler<"pdl"> = (req, ctx) => {
  const endpoint = `${req.method} ${ENDPOINT_PATH}`;
  if (req.path !== ENDPOINT_PATH)
    return { response: pdlError(404), outcome: { endpoint: `${req.method} ${req.path}` } };
  if (req.method !== "GET" && req.method !== "POST") return { response: pdlError(405), outcome: { endpoint } };
  const done = (response: ReplicaResponse, extra: Omit<Handled["outcome"], "endpoint"> = {}): Handled => ({
    response,
    outcome: { endpoint, ...extra },
  });

  const body = req.method === "POST" ? parseJsonObject(req.body) : undefined;
  if (body === null) return done(pdlError(400, undefined, "Request body must be a JSON object"));
  const param = (name: string): string | null => {
    const fromBody = body && Object.hasOwn(body, name) ? body[name] : undefined;
    const value = Array.isArray(fromBody) ? fromBody[0] : fromBody;
    if (value !== undefined && value !== null) return String(value).trim() || null;
    return req.query.get(name)?.trim() || null;
  };

  // Documented: `X-Api-Key` header or `api_key` parameter.
  const key = req.headers["x-api-key"] || param("api_key") || undefined;
  const { keyLength, perMinute, findRate } = ctx.config;
  if (!ctx.isValidKey(key) || (keyLength !== null && key.length !== keyLength)) return done(pdlError(401));
  if (ctx.isForbiddenKey(key)) return done(pdlError(403));

  const verdict = ctx.limiter.take(key, [{ name: "minute", limit: perMinute, ms: 60_000, kind: "fixed" }], ctx.now());
  const headers = (spent: number) => pdlHeaders(ctx, key, verdict, spent);
  if (!verdict.allowed) return done(pdlError(429, headers(0)), { rateLimited: true });

  const fault = ctx.injectedFault();
  if (fault !== undefined) return done(pdlError(fault, headers(0)), { rateLimited: fault === 429 });

  const query = parseQuery(param);
  if ("error" in query) return done(pdlError(400, headers(0), query.error));
  if (ctx.creditsLeft(key) === 0) return done(pdlError(402, headers(0)), { outOfCredits: true });

  const person = query.person;
  const slow = person ? hasLastName(person, "slow") : false;
  if (person && hasLastName(person, "flaky") && ctx.firstTime(`flaky|${person.key}`)) {
    return done(pdlError(503, headers(0)), { slow });
  }
  if (!person || !isFound("pdl", person, findRate)) return done(pdlError(404, headers(0)), { slow });
  const likelihood = pdlLikelihood(person);
  let record = pdlRecord(person);
  if (likelihood < query.minLikelihood) return done(pdlError(404, headers(0)), { slow });
  if (query.required && !satisfiesRequired(query.required, (field) => hasData(record, field))) {
    return done(pdlError(404, headers(0)), { slow });
  }
  if (query.titlecase) record = titlecased(record);
  if (query.dataInclude) record = includeFields(record, query.dataInclude);
  // "We charge per match": 1 credit for a 200, nothing for a 404.
  ctx.ledger.spend(key, 1);
  const answer = {
    status: 200,
    likelihood,
    ...(query.includeIfMatched ? { matched: query.matched } : {}),
    data: record,
  };
  const response: ReplicaResponse = query.pretty
    ? { status: 200, rawJson: JSON.stringify(answer, null, 2), headers: headers(1) }
    : json(200, answer, headers(1));
  return done(response, { slow });
};

interface Query {
  person: Person | null;
  matched: string[];
  minLikelihood: number;
  required: string | null;
  dataInclude: string | null;
  titlecase: boolean;
  includeIfMatched: boolean;
  pretty: boolean;
}

/**
 * The documented minimum for a possible match: profile OR email OR phone OR email_hash OR
 * lid OR pdl_id OR ((first_name AND last_name) OR name) AND (locality OR region OR company
 * OR school OR location OR postal_code). Less than that is a 400 (status inferred). The
 * population is indexed by name + company and by email; other inputs are valid but find nobody.
 */
function parseQuery(param: (name: string) => string | null): Query | { error: string } {
  const has = (name: string) => param(name) !== null;
  const named = (has("first_name") && has("last_name")) || has("name");
  const placed = ["locality", "region", "company", "school", "location", "postal_code"].some(has);
  const direct = ["profile", "email", "phone", "email_hash", "lid", "pdl_id"].some(has);
  if (!direct && !(named && placed)) {
    return {
      error:
        "Request must contain at least one of profile, email, phone, email_hash, lid or pdl_id, or a name (first_name and last_name, or name) together with one of locality, region, company, school, location or postal_code",
    };
  }
  const minLikelihood = Number(param("min_likelihood") ?? 2);
  if (!Number.isInteger(minLikelihood) || minLikelihood < 0 || minLikelihood > 10) {
    return { error: "min_likelihood must be an integer between 0 and 10" };
  }
  const required = param("required");
  if (required) {
    try {
      satisfiesRequired(required, () => true);
    } catch (err) {
      return { error: `Invalid required parameter: ${(err as Error).message}` };
    }
  }
  const flag = (name: string) => param(name)?.toLowerCase() === "true";
  let person: Person | null = null;
  const matched: string[] = [];
  const email = param("email");
  const company = param("company");
  if (email) {
    person = personByEmail(email);
    if (person) matched.push("email");
  }
  if (!person && named && company) {
    const names =
      has("first_name") && has("last_name")
        ? { firstName: param("first_name") as string, lastName: param("last_name") as string }
        : splitFullName(param("name") as string);
    person = names ? personFor({ ...names, company }) : null;
    if (person) matched.push("company", "name");
  }
  return {
    person,
    matched,
    minLikelihood,
    required,
    dataInclude: param("data_include"),
    titlecase: flag("titlecase"),
    includeIfMatched: flag("include_if_matched"),
    pretty: flag("pretty"),
  };
}

/**
 * The headers the official JS SDK reads. x-ratelimit-limit/-remaining are Python-dict
 * strings (`{'minute': 100}`); x-ratelimit-reset is an ISO-8601 UTC time (the docs say
 * "when the window resets, in UTC" without showing the format); the credits type is inferred.
 */
function pdlHeaders(ctx: ReplicaContext<"pdl">, key: string, verdict: Verdict, spent: number): Record<string, string> {
  const window = verdict.windows[0];
  const headers: Record<string, string> = {
    "x-ratelimit-limit": `{'minute': ${window?.limit ?? 0}}`,
    "x-ratelimit-remaining": `{'minute': ${window?.remaining ?? 0}}`,
    "x-ratelimit-reset": new Date(window?.resetAt ?? ctx.now()).toISOString(),
    "x-call-credits-spent": String(spent),
    "x-call-credits-type": "person_enrichment",
    "x-lifetime-used": String(ctx.ledger.used(key)),
  };
  const left = ctx.creditsLeft(key);
  if (left !== null) {
    headers["x-totallimit-remaining"] = String(left);
    headers["x-totallimit-purchased-remaining"] = String(left);
    headers["x-totallimit-overages-remaining"] = "0";
  }
  return headers;
}
