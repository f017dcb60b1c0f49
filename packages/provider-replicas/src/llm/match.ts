// Which fact answers a property. A property is answered by the fact whose name matches it
// best (exact, then suffix, then a known synonym); a generic property ("value", "answer")
// is answered by the fact the prompt asks for, found from a directive field ("field",
// "target", "column"…) or from the words after "find/return/extract/what is…".
import { type Fact, normalizeKey } from "./facts";

/** Groups of names that mean the same attribute. */
const SYNONYMS: readonly string[][] = [
  ["email", "work_email", "email_address", "business_email", "mail"],
  ["title", "job_title", "position", "role", "headline"],
  ["company", "company_name", "organization", "organization_name", "employer", "job_company_name", "account"],
  ["domain", "website", "company_domain", "company_website", "job_company_website", "primary_domain", "url"],
  ["phone", "phone_number", "mobile_phone", "telephone"],
  ["linkedin", "linkedin_url", "linkedin_profile", "profile"],
  ["location", "location_name", "city", "locality"],
  ["name", "full_name"],
];

export const GENERIC_NAMES = new Set(["value", "answer", "result", "output", "response", "text", "content", "data"]);
const DIRECTIVE_NAMES = new Set([
  "field",
  "target",
  "target_field",
  "attribute",
  "column",
  "column_name",
  "output_field",
  "property",
  "requested_field",
]);

/** How well `fact` answers `property` (0 = not at all): exact, synonym, then suffix in either direction. */
export function matchScore(property: string, fact: Fact): number {
  const want = normalizeKey(property);
  const have = fact.name;
  if (want === "" || have === "") return 0;
  if (want === have) return 100;
  if (SYNONYMS.some((group) => group.includes(want) && group.includes(have))) return 90;
  if (have.endsWith(`_${want}`)) return 80;
  if (want.endsWith(`_${have}`)) return 70;
  return 0;
}

/** The best fact for `property` among those `accept` allows; earlier facts win ties. */
export function bestFact(property: string, facts: Fact[], accept: (fact: Fact) => boolean): Fact | null {
  let best: Fact | null = null;
  let bestScore = 0;
  for (const fact of facts) {
    if (DIRECTIVE_NAMES.has(fact.name)) continue;
    const score = matchScore(property, fact);
    if (score > bestScore && accept(fact)) {
      best = fact;
      bestScore = score;
    }
  }
  return best;
}

const REQUEST_WORDS =
  /\b(?:find|return|extract|determine|identify|guess|infer|look ?up|what(?:'s| is| are)|provide|give|enrich)\b([^.?!\n]*)/gi;
const PHRASE_END = /\b(?:of|for|at|from|with|given|using|based|in|on|by|as|if|when|and)\b/i;

/**
 * The attribute names the prompt asks for, most specific first: a directive fact's value
 * (`"field": "job title"`), then the noun phrase after each request verb, up to the first
 * preposition ("Find the work email of …" → "work_email", "email", "work").
 */
export function requestedNames(facts: Fact[], prose: string): string[] {
  const phrases: string[] = [];
  for (const fact of facts) {
    if (DIRECTIVE_NAMES.has(fact.name) && typeof fact.value === "string") phrases.push(fact.value);
  }
  for (const match of prose.matchAll(REQUEST_WORDS)) {
    phrases.push((match[1] ?? "").split(PHRASE_END)[0] ?? "");
  }
  const names: string[] = [];
  for (const phrase of phrases) {
    const words = normalizeKey(phrase.replace(/'s\b/g, "")).split("_").filter(Boolean);
    // Longest runs first, so "job title" beats "title" and "work email" beats "email".
    for (let size = Math.min(3, words.length); size >= 1; size--) {
      for (let i = 0; i + size <= words.length; i++) names.push(words.slice(i, i + size).join("_"));
    }
  }
  return names;
}
