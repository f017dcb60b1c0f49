import type { FieldName, InputName, Price, RateLimit, Vendor } from "./types";

// What every adapter is, as its provider documents it: the fields it fills, the inputs it
// reads and needs, its price and its rate limit. Pure data (the grid's recipe editor and the
// recipe validation read it); the calls themselves live in ./adapters. Prices are estimates
// from entry-plan list prices: what a credit costs depends on the plan.

export type AdapterInfo = {
  id: string;
  vendor: Vendor;
  name: string;
  description: string;
  docs: string;
  /** Fields it can fill; "any" for the LLM and the HTTP adapter (the user decides). */
  fields: readonly FieldName[] | "any";
  /** Inputs it reads. */
  inputs: readonly InputName[];
  /** Input sets it can work from: a call needs every input of at least one set to be non-empty. */
  requires: readonly (readonly InputName[])[];
  /** Its values are synthesised by a model rather than looked up. */
  aiSynthesised: boolean;
  price: Price;
  rateLimit: RateLimit;
};

const PERSON_MATCH: readonly (readonly InputName[])[] = [
  ["email"],
  ["linkedinUrl"],
  ["fullName", "domain"],
  ["fullName", "company"],
  ["firstName", "lastName", "domain"],
  ["firstName", "lastName", "company"],
];

export const CATALOG = [
  {
    id: "hunter.email-finder",
    vendor: "hunter",
    name: "Hunter Email Finder",
    description: "Finds a person's professional email from their name and company domain, with a 0-100 score.",
    docs: "https://hunter.io/api-documentation/v2#email-finder",
    fields: ["email", "full_name", "title", "seniority", "linkedin_url", "twitter_url", "phone", "company"],
    inputs: ["domain", "company", "fullName", "firstName", "lastName"],
    requires: [
      ["domain", "fullName"],
      ["domain", "firstName", "lastName"],
      ["company", "fullName"],
      ["company", "firstName", "lastName"],
    ],
    aiSynthesised: false,
    price: {
      unit: "credit",
      usdPerUnit: 0.0245,
      billing: "1 credit per email found; nothing when Hunter cannot provide an email",
      source: "help.hunter.io/en/articles/1911617 (billing); price: estimate from the Starter plan",
    },
    rateLimit: {
      perSecond: 15,
      perMinute: 500,
      note: "Email Finder, per key",
      source: "apis.io digest of hunter.io/api-documentation/v2 (third-party)",
    },
  },
  {
    id: "pdl.person",
    vendor: "pdl",
    name: "People Data Labs Person Enrichment",
    description:
      "Matches a person by name and company (or email, or LinkedIn) and returns their profile, with a 1-10 likelihood.",
    docs: "https://docs.peopledatalabs.com/docs/reference-person-enrichment-api",
    fields: [
      "email",
      "full_name",
      "title",
      "linkedin_url",
      "twitter_url",
      "phone",
      "company",
      "company_domain",
      "location",
      "industry",
    ],
    inputs: ["fullName", "firstName", "lastName", "domain", "company", "email", "linkedinUrl"],
    requires: PERSON_MATCH,
    aiSynthesised: false,
    price: {
      unit: "credit",
      usdPerUnit: 0.28,
      billing: "1 credit per match (200); a 404 is not billed",
      source: 'docs.peopledatalabs.com reference-person-enrichment-api ("We charge per match"); price: estimate',
    },
    rateLimit: {
      perMinute: 100,
      note: "free plans; 1,000/min on paid plans; fixed 60 s window per key",
      source: "docs.peopledatalabs.com usage-limits",
    },
  },
  {
    id: "apollo.people-match",
    vendor: "apollo",
    name: "Apollo People Match",
    description: "Matches a person by name and company domain (or email, or LinkedIn) in Apollo's database.",
    docs: "https://docs.apollo.io/reference/people-enrichment",
    fields: [
      "email",
      "full_name",
      "title",
      "seniority",
      "linkedin_url",
      "twitter_url",
      "company",
      "company_domain",
      "location",
      "industry",
    ],
    inputs: ["fullName", "firstName", "lastName", "domain", "company", "email", "linkedinUrl"],
    requires: PERSON_MATCH,
    aiSynthesised: false,
    price: {
      unit: "credit",
      usdPerUnit: 0.2,
      billing: "1 credit for a match with an email or demographics (+8 with a mobile phone); 0 when nothing is found",
      source: "Apollo OpenAPI spec, People Enrichment; price: estimate",
    },
    rateLimit: {
      perMinute: 200,
      perHour: 600,
      perDay: 2000,
      note: "fixed windows; the numbers depend on the plan",
      source: "apolloio/apollo-api-docs _ratelimits.md; the spec's 429 example and live x-rate-limit-* headers",
    },
  },
  {
    id: "http",
    vendor: "http",
    name: "HTTP API",
    description:
      "Calls a JSON API you describe: URL template, headers with stored secrets, and JSON paths to the value.",
    docs: "README.md (The HTTP provider)",
    fields: "any",
    inputs: [],
    requires: [],
    aiSynthesised: false,
    price: {
      unit: "call",
      usdPerUnit: 0,
      billing: "whatever the API charges (unknown to Glaze)",
      source: "user-defined",
    },
    rateLimit: { note: "unknown to Glaze", source: "user-defined" },
  },
  {
    id: "llm",
    vendor: "llm",
    name: "LLM fallback",
    description:
      "Asks an OpenAI-compatible model to infer the value from the row and the other providers' answers, citing what it used.",
    docs: "https://platform.openai.com/docs/guides/structured-outputs",
    fields: "any",
    inputs: ["fullName", "firstName", "lastName", "domain", "company", "email", "linkedinUrl"],
    // Any one input: the model may only use what it is given, so it needs something.
    requires: [["fullName"], ["firstName"], ["lastName"], ["domain"], ["company"], ["email"], ["linkedinUrl"]],
    aiSynthesised: true,
    price: {
      unit: "token",
      usdPerUnit: 0.6 / 1_000_000,
      billing: "every call, per prompt and completion token (gpt-4o-mini: $0.15 / $0.60 per million)",
      source: "openai.com/api/pricing",
    },
    rateLimit: {
      perMinute: 500,
      note: "OpenAI tier 1: 500 requests and 200,000 tokens per minute",
      source: "platform.openai.com/docs/guides/rate-limits",
    },
  },
] as const satisfies readonly AdapterInfo[];

export type AdapterId = (typeof CATALOG)[number]["id"];
export const ADAPTER_IDS = CATALOG.map((a) => a.id) as AdapterId[];

export function adapterInfo(id: string): AdapterInfo | undefined {
  return (CATALOG as readonly AdapterInfo[]).find((a) => a.id === id);
}

/** Whether the adapter can fill the field. */
export function canFill(info: AdapterInfo, field: FieldName): boolean {
  return info.fields === "any" || info.fields.includes(field);
}

/** The catalog entry of an adapter id that must exist (adapters spread their own). */
export function catalogEntry(id: AdapterId): AdapterInfo {
  const info = adapterInfo(id);
  if (!info) throw new Error(`unknown adapter ${id}`);
  return info;
}

/** Each provider by the name its people know it by (settings lists keys per provider, not per adapter). */
export const VENDOR_NAMES: Record<Vendor, string> = {
  hunter: "Hunter",
  pdl: "People Data Labs",
  apollo: "Apollo",
  llm: "LLM (OpenAI-compatible)",
  http: "HTTP request",
};
