// The provider adapter contract. An adapter turns the inputs of one cell into one call of a
// provider's documented API and its answer into { value, confidence, source, cost }, or throws
// a ProviderError of one of the kinds below. Pure types and data: the browser imports them too.

export type CellValue = string | number | boolean | null;

/** Inputs a recipe maps from the table's columns. */
export const INPUT_NAMES = ["fullName", "firstName", "lastName", "domain", "company", "email", "linkedinUrl"] as const;
export type InputName = (typeof INPUT_NAMES)[number];

export const INPUT_LABELS: Record<InputName, string> = {
  fullName: "Full name",
  firstName: "First name",
  lastName: "Last name",
  domain: "Company domain",
  company: "Company name",
  email: "Email",
  linkedinUrl: "LinkedIn URL",
};

/** Values a provider can fill into a column. */
export const FIELD_NAMES = [
  "email",
  "full_name",
  "title",
  "seniority",
  "linkedin_url",
  "twitter_url",
  "phone",
  "company",
  "company_domain",
  "location",
  "industry",
] as const;
export type FieldName = (typeof FIELD_NAMES)[number];

/** Vendors whose keys are stored (an adapter belongs to one). `http` keys are named secrets. */
export const VENDORS = ["hunter", "pdl", "apollo", "llm", "http"] as const;
export type Vendor = (typeof VENDORS)[number];

/**
 * The final kinds of a failed call. not_found: final for this provider, not charged.
 * rate_limited: wait retryAfterMs and call again. out_of_credits: skip this provider for the
 * rest of the job (and tell the workspace). unauthorized: the provider is misconfigured (its key).
 * bad_input: the provider refused these inputs (retrying cannot help). transient: try again.
 */
export const ERROR_KINDS = [
  "not_found",
  "rate_limited",
  "out_of_credits",
  "unauthorized",
  "bad_input",
  "transient",
] as const;
export type ProviderErrorKind = (typeof ERROR_KINDS)[number];

/** What happened to one provider of a cell: found, one of the error kinds, or passed over (skipped). */
export type CallOutcome = "found" | ProviderErrorKind | "skipped";

/** Units a provider bills for one call, and their estimated price. */
export type Cost = { credits: number; usd: number };

export type ProviderAnswer = {
  value: CellValue;
  /** Normalised to 0..1. */
  confidence: number;
  /** The provider's own score, as it gave it. */
  rawConfidence: unknown;
  /** Human-readable source, e.g. "Hunter Email Finder (3 public sources)". */
  source: string;
  cost: Cost;
  httpStatus: number;
  /** Where the provider says the value comes from (source URLs, record ids, cited facts). */
  evidence?: unknown;
  /** The provider's answer, trimmed: context for the LLM fallback and the cell history. */
  payload?: unknown;
};

/** The documented price: what one billed unit costs and when a call is billed. */
export type Price = {
  /** "credit", or "token" for the LLM. */
  unit: string;
  /** US dollars per unit (list price of an entry plan; an estimate). */
  usdPerUnit: number;
  /** When a call costs anything, as the provider documents it. */
  billing: string;
  source: string;
};

/** The documented rate limit per key; the costs layer enforces it. */
export type RateLimit = {
  perSecond?: number;
  perMinute?: number;
  perHour?: number;
  perDay?: number;
  note?: string;
  source: string;
};
