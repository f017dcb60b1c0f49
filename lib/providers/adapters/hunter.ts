import "server-only";
import type { Adapter } from "../adapter";
import { catalogEntry } from "../catalog";
import { BadInput, NotFound, OutOfCredits, RateLimited, Transient, Unauthorized } from "../errors";
import { errorDetail, type HttpAnswer, requestJson, retryAfterMs } from "../http-json";
import type { FieldName } from "../types";

// Hunter Email Finder, GET /v2/email-finder (hunter.io/api-documentation/v2). The key goes in
// the documented `api_key` query parameter. "No email found" is a 200 whose person fields are
// null. Hunter's sources disagree on 403/429: the API docs say 403 = rate limited and 429 =
// monthly quota used up; Hunter's own client (hunter-io/chatgpt-mcp mapHunterError) reads 429
// (with Retry-After) as rate limited and 402 as quota. Both readings are handled: 402 and a 429
// whose body speaks of the plan or billing period are out of credits; any other 429 waits its
// Retry-After; 403 is a rate limit unless its error id is `forbidden` (a refused key).

type HunterData = {
  email?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  score?: number | null;
  position?: string | null;
  seniority?: string | null;
  linkedin_url?: string | null;
  twitter?: string | null;
  phone_number?: string | null;
  company?: string | null;
  domain?: string | null;
  sources?: { uri?: string; domain?: string; extracted_on?: string; last_seen_on?: string; still_on_page?: boolean }[];
  verification?: { status?: string | null; date?: string | null } | null;
};

function fieldOf(data: HunterData, field: FieldName): string | null {
  switch (field) {
    case "email":
      return data.email ?? null;
    case "full_name":
      return [data.first_name, data.last_name].filter(Boolean).join(" ") || null;
    case "title":
      return data.position ?? null;
    case "seniority":
      return data.seniority ?? null;
    case "linkedin_url":
      return data.linkedin_url ?? null;
    case "twitter_url":
      return data.twitter ? `https://twitter.com/${data.twitter}` : null;
    case "phone":
      return data.phone_number ?? null;
    case "company":
      return data.company ?? null;
    default:
      return null;
  }
}

const QUOTA_WORDS = /billing period|usage limit|quota|subscription|credits/i;

function classifyError(answer: HttpAnswer): never {
  const status = answer.status;
  const detail = errorDetail(answer);
  const id = String(((answer.body as { errors?: { id?: unknown }[] })?.errors?.[0]?.id ?? "") || "");
  const wait = retryAfterMs(answer.headers.get("retry-after"));
  const at = { httpStatus: status };
  if (status === 202 || status === 222) throw Transient(`Hunter is still verifying the address (${status})`, at);
  if (status === 400 || status === 422) throw BadInput(`Hunter refused the inputs: ${detail}`, at);
  if (status === 401) throw Unauthorized(`Hunter refused the API key: ${detail}`, at);
  if (status === 402) throw OutOfCredits(`Hunter's credits are used up: ${detail}`, at);
  if (status === 403) {
    if (id === "forbidden") throw Unauthorized(`Hunter refused the API key: ${detail}`, at);
    throw RateLimited(wait ?? 1000, `Hunter rate limit (403): ${detail}`, at);
  }
  if (status === 404) throw NotFound(`Hunter: ${detail}`, at);
  if (status === 409) throw RateLimited(wait ?? 2000, `Hunter asked to retry (409): ${detail}`, at);
  if (status === 429) {
    // "Upgrade your plan" alone, with no Retry-After to wait for, is the docs' quota answer.
    if (id === "restricted_account" || QUOTA_WORDS.test(detail) || (wait === undefined && /\bplan\b/i.test(detail))) {
      throw OutOfCredits(`Hunter's quota is used up: ${detail}`, at);
    }
    throw RateLimited(wait ?? 1000, `Hunter rate limit (429): ${detail}`, at);
  }
  if (status === 451) throw NotFound("Hunter: this person asked to be erased (451)", at);
  if (status >= 500) throw Transient(`Hunter had an error (${status}): ${detail}`, at);
  throw BadInput(`Hunter answered ${status}: ${detail}`, at);
}

export const hunterEmailFinder: Adapter = {
  ...catalogEntry("hunter.email-finder"),

  async call(request, env) {
    const { inputs } = request;
    const query = new URLSearchParams();
    if (inputs.domain) query.set("domain", inputs.domain);
    else if (inputs.company) query.set("company", inputs.company);
    if (inputs.firstName && inputs.lastName) {
      query.set("first_name", inputs.firstName);
      query.set("last_name", inputs.lastName);
    } else if (inputs.fullName) query.set("full_name", inputs.fullName);
    query.set("api_key", env.apiKey ?? "");
    const answer = await requestJson({
      vendor: "Hunter",
      url: `${env.baseUrl.replace(/\/+$/, "")}/v2/email-finder?${query}`,
      timeoutMs: env.timeoutMs,
    });
    if (answer.status !== 200) classifyError(answer);
    const data = (answer.body as { data?: HunterData } | undefined)?.data;
    if (!data || typeof data !== "object") throw Transient("Hunter answered 200 without data", { httpStatus: 200 });
    const billed = data.email ? 1 : 0;
    const cost = { credits: billed, usd: billed * this.price.usdPerUnit };
    const payload = { ...data, sources: (data.sources ?? []).slice(0, 10) };
    if (!data.email) throw NotFound("Hunter found no email for this person", { httpStatus: 200, payload });
    const value = fieldOf(data, request.field);
    if (value === null) {
      throw NotFound(`Hunter found the person but not their ${request.field}`, { httpStatus: 200, cost, payload });
    }
    const score = typeof data.score === "number" ? data.score : null;
    const sources = data.sources ?? [];
    return {
      value,
      confidence: score === null ? 0.5 : Math.min(1, Math.max(0, score / 100)),
      rawConfidence: score,
      source: `Hunter Email Finder (${sources.length} public source${sources.length === 1 ? "" : "s"})`,
      cost,
      httpStatus: 200,
      evidence: {
        sources: sources
          .slice(0, 10)
          .map((s) => ({ uri: s.uri, lastSeenOn: s.last_seen_on, stillOnPage: s.still_on_page })),
        verification: data.verification?.status ?? null,
      },
      payload,
    };
  },
};
