import "server-only";
import type { Adapter } from "../adapter";
import { catalogEntry } from "../catalog";
import { BadInput, NotFound, OutOfCredits, RateLimited, Transient, Unauthorized } from "../errors";
import { errorDetail, type HttpAnswer, requestJson, retryAfterMs } from "../http-json";
import type { FieldName } from "../types";

// People Data Labs Person Enrichment, GET /v5/person/enrich (docs.peopledatalabs.com,
// reference-person-enrichment-api and errors). Key in the X-Api-Key header. `likelihood` 1-10
// becomes the confidence. 404 = no match (not billed), 402 = credits used up, 429 = rate
// limited (x-ratelimit-reset says when the window resets). `required` makes a match without
// the column's field a free 404 instead of a billed 200, and `titlecase` gives readable names.

type PdlPerson = Record<string, unknown>;

/** The PDL `required` expression for a field (Person Schema field names). */
const REQUIRED: Partial<Record<FieldName, string>> = {
  email: "work_email",
  full_name: "full_name",
  title: "job_title",
  linkedin_url: "linkedin_url",
  twitter_url: "twitter_url",
  phone: "mobile_phone OR phone_numbers",
  company: "job_company_name",
  company_domain: "job_company_website",
  location: "location_name",
  industry: "industry",
};

const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : null);
const url = (value: unknown) => {
  const v = text(value);
  return v && !/^https?:\/\//i.test(v) ? `https://${v}` : v;
};

function fieldOf(person: PdlPerson, field: FieldName): string | null {
  switch (field) {
    case "email":
      // Free plans answer `true` for fields they do not reveal: only a string is a value.
      return text(person.work_email);
    case "full_name":
      return text(person.full_name);
    case "title":
      return text(person.job_title);
    case "linkedin_url":
      return url(person.linkedin_url);
    case "twitter_url":
      return url(person.twitter_url);
    case "phone":
      return text(person.mobile_phone) ?? text((person.phone_numbers as unknown[] | undefined)?.[0]);
    case "company":
      return text(person.job_company_name);
    case "company_domain":
      return text(person.job_company_website);
    case "location":
      return text(person.location_name);
    case "industry":
      return text(person.industry) ?? text(person.job_company_industry);
    default:
      return null;
  }
}

/** The record's identity and work fields: enough context for the LLM fallback and the history. */
function trimmed(person: PdlPerson): PdlPerson {
  const keep = [
    "id",
    "full_name",
    "work_email",
    "job_title",
    "job_company_name",
    "job_company_website",
    "linkedin_url",
    "twitter_url",
    "location_name",
    "industry",
    "mobile_phone",
  ];
  return Object.fromEntries(keep.filter((k) => Object.hasOwn(person, k)).map((k) => [k, person[k]]));
}

function classifyError(answer: HttpAnswer): never {
  const status = answer.status;
  const detail = errorDetail(answer);
  const at = { httpStatus: status };
  if (status === 400 || status === 405 || status === 422) throw BadInput(`PDL refused the inputs: ${detail}`, at);
  if (status === 401 || status === 403) throw Unauthorized(`PDL refused the API key: ${detail}`, at);
  if (status === 402) throw OutOfCredits(`PDL's credits are used up: ${detail}`, at);
  if (status === 404) throw NotFound("PDL has no record matching these inputs", at);
  if (status === 429) {
    const reset = Date.parse(answer.headers.get("x-ratelimit-reset") ?? "");
    const wait =
      retryAfterMs(answer.headers.get("retry-after")) ?? (Number.isNaN(reset) ? undefined : reset - Date.now());
    throw RateLimited(Math.max(1000, wait ?? 10_000), `PDL rate limit: ${detail}`, at);
  }
  if (status >= 500) throw Transient(`PDL had an error (${status}): ${detail}`, at);
  throw BadInput(`PDL answered ${status}: ${detail}`, at);
}

export const pdlPerson: Adapter = {
  ...catalogEntry("pdl.person"),

  async call(request, env) {
    const { inputs, field } = request;
    const query = new URLSearchParams();
    if (inputs.firstName && inputs.lastName) {
      query.set("first_name", inputs.firstName);
      query.set("last_name", inputs.lastName);
    } else if (inputs.fullName) query.set("name", inputs.fullName);
    if (inputs.domain || inputs.company) query.set("company", (inputs.domain ?? inputs.company) as string);
    if (inputs.email) query.set("email", inputs.email);
    if (inputs.linkedinUrl) query.set("profile", inputs.linkedinUrl);
    const required = REQUIRED[field];
    if (required) query.set("required", required);
    query.set("titlecase", "true");
    const answer = await requestJson({
      vendor: "PDL",
      url: `${env.baseUrl.replace(/\/+$/, "")}/v5/person/enrich?${query}`,
      headers: { "X-Api-Key": env.apiKey ?? "" },
      timeoutMs: env.timeoutMs,
    });
    if (answer.status !== 200) classifyError(answer);
    const body = answer.body as { likelihood?: unknown; data?: PdlPerson | null } | undefined;
    const spent = Number(answer.headers.get("x-call-credits-spent"));
    const credits = Number.isFinite(spent) && answer.headers.has("x-call-credits-spent") ? spent : 1;
    const cost = { credits, usd: credits * this.price.usdPerUnit };
    const person = body?.data;
    if (!person || typeof person !== "object") throw NotFound("PDL matched no person", { httpStatus: 200, cost });
    const payload = trimmed(person);
    const value = fieldOf(person, field);
    if (value === null)
      throw NotFound(`PDL matched the person but has no ${field}`, { httpStatus: 200, cost, payload });
    const likelihood = typeof body?.likelihood === "number" ? body.likelihood : null;
    return {
      value,
      confidence: likelihood === null ? 0.5 : Math.min(1, Math.max(0, likelihood / 10)),
      rawConfidence: likelihood,
      source: `People Data Labs (likelihood ${likelihood ?? "?"}/10)`,
      cost,
      httpStatus: 200,
      evidence: { recordId: text(person.id), linkedinUrl: url(person.linkedin_url) },
      payload,
    };
  },
};
