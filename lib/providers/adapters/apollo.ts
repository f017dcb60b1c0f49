import "server-only";
import type { Adapter } from "../adapter";
import { catalogEntry } from "../catalog";
import { BadInput, NotFound, OutOfCredits, RateLimited, Transient, Unauthorized } from "../errors";
import { errorDetail, type HttpAnswer, requestJson, retryAfterMs } from "../http-json";
import type { FieldName } from "../types";

// Apollo People Enrichment, POST /api/v1/people/match (Apollo's OpenAPI spec; apolloio/apollo-
// api-docs). Key in the x-api-key header. The current spec takes the inputs as query
// parameters and the older docs as a JSON body: both are sent, with the same values. A 200
// whose `person` is null is no match; an email Apollo has not revealed comes back as the
// placeholder email_not_unlocked@domain.com, which is no email. Apollo documents no
// Retry-After: a 429 names its exhausted window (minute, hour or day) in the message and the
// x-*-requests-left headers; the wait follows from that window, and a spent daily limit ends
// Apollo for the job like exhausted credits. Apollo documents no out-of-credits status either;
// a refusal that speaks of credits is read as one.

const LOCKED = "email_not_unlocked@domain.com";

type ApolloPerson = Record<string, unknown> & { organization?: Record<string, unknown> | null };

const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : null);

function fieldOf(person: ApolloPerson, field: FieldName): string | null {
  const org = person.organization ?? {};
  switch (field) {
    case "email": {
      const email = text(person.email);
      return email && email.toLowerCase() !== LOCKED ? email : null;
    }
    case "full_name":
      return text(person.name);
    case "title":
      return text(person.title);
    case "seniority":
      return text(person.seniority);
    case "linkedin_url":
      return text(person.linkedin_url);
    case "twitter_url":
      return text(person.twitter_url);
    case "company":
      return text(org.name);
    case "company_domain":
      return text(org.primary_domain);
    case "location":
      return [person.city, person.state, person.country].filter((p) => text(p)).join(", ") || null;
    case "industry":
      return text(org.industry);
    default:
      return null;
  }
}

/**
 * Confidence of an email from Apollo's email_status (its own verdict on the address); other
 * fields of a matched record get 0.8.
 */
const EMAIL_STATUS_CONFIDENCE = new Map([
  ["verified", 0.9],
  ["likely to engage", 0.75],
  ["extrapolated", 0.6],
  ["guessed", 0.5],
  ["unverified", 0.5],
]);

function rateLimitWait(answer: HttpAnswer, detail: string): { window: "minute" | "hour" | "day"; ms: number } {
  const left = (name: string) => answer.headers.get(name);
  const now = new Date();
  const day = left("x-24-hour-requests-left") ?? left("x-daily-requests-left");
  if (day === "0" || /per day/i.test(detail)) return { window: "day", ms: 0 };
  if (left("x-hourly-requests-left") === "0" || /per hour/i.test(detail)) {
    return { window: "hour", ms: 3_600_000 - (now.getTime() % 3_600_000) + 250 };
  }
  return { window: "minute", ms: 60_000 - (now.getTime() % 60_000) + 250 };
}

function classifyError(answer: HttpAnswer): never {
  const status = answer.status;
  const detail = errorDetail(answer);
  const at = { httpStatus: status };
  if (/credit/i.test(detail) && [400, 402, 403, 422].includes(status)) {
    throw OutOfCredits(`Apollo's credits are used up: ${detail}`, at);
  }
  if (status === 400 || status === 422) throw BadInput(`Apollo refused the inputs: ${detail}`, at);
  if (status === 401 || status === 403) throw Unauthorized(`Apollo refused the API key: ${detail}`, at);
  if (status === 404) throw NotFound(`Apollo: ${detail}`, at);
  if (status === 429) {
    const explicit = retryAfterMs(answer.headers.get("retry-after"));
    const { window, ms } = rateLimitWait(answer, detail);
    if (window === "day" && explicit === undefined) {
      throw OutOfCredits(`Apollo's daily request limit is used up: ${detail}`, at);
    }
    throw RateLimited(explicit ?? ms, `Apollo rate limit (${window}): ${detail}`, at);
  }
  if (status >= 500) throw Transient(`Apollo had an error (${status}): ${detail}`, at);
  throw BadInput(`Apollo answered ${status}: ${detail}`, at);
}

export const apolloPeopleMatch: Adapter = {
  ...catalogEntry("apollo.people-match"),

  async call(request, env) {
    const { inputs } = request;
    const params: Record<string, string> = {};
    if (inputs.firstName && inputs.lastName) {
      params.first_name = inputs.firstName;
      params.last_name = inputs.lastName;
    } else if (inputs.fullName) params.name = inputs.fullName;
    if (inputs.domain) params.domain = inputs.domain.replace(/^(https?:\/\/)?(www\.)?/i, "").replace(/\/.*$/, "");
    if (inputs.company) params.organization_name = inputs.company;
    if (inputs.email) params.email = inputs.email;
    if (inputs.linkedinUrl) params.linkedin_url = inputs.linkedinUrl;
    const answer = await requestJson({
      vendor: "Apollo",
      method: "POST",
      url: `${env.baseUrl.replace(/\/+$/, "")}/api/v1/people/match?${new URLSearchParams(params)}`,
      headers: { "x-api-key": env.apiKey ?? "", "cache-control": "no-cache" },
      body: params,
      timeoutMs: env.timeoutMs,
    });
    if (answer.status !== 200) classifyError(answer);
    const person = (answer.body as { person?: ApolloPerson | null } | undefined)?.person;
    if (!person || typeof person !== "object") throw NotFound("Apollo matched no person", { httpStatus: 200 });
    const locked = text(person.email)?.toLowerCase() === LOCKED;
    const billed = locked && !text(person.title) ? 0 : 1;
    const cost = { credits: billed, usd: billed * this.price.usdPerUnit };
    const { employment_history: _history, ...rest } = person;
    const payload = { ...rest, organization: person.organization ? { ...person.organization } : null };
    const value = fieldOf(person, request.field);
    if (value === null) {
      throw NotFound(
        request.field === "email" && locked
          ? "Apollo matched the person but has not revealed their email"
          : `Apollo matched the person but has no ${request.field}`,
        { httpStatus: 200, cost, payload },
      );
    }
    const status = text(person.email_status);
    const confidence = request.field === "email" ? (EMAIL_STATUS_CONFIDENCE.get(status ?? "") ?? 0.5) : 0.8;
    return {
      value,
      confidence,
      rawConfidence: request.field === "email" ? status : null,
      source: `Apollo${status && request.field === "email" ? ` (email ${status})` : ""}`,
      cost,
      httpStatus: 200,
      evidence: { personId: text(person.id), linkedinUrl: text(person.linkedin_url) },
      payload,
    };
  },
};
