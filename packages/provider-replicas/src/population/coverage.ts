// Whom each provider finds, and how sure it is. Each provider rolls its own die per person
// (salted with its name), so their coverage is independent, while what they say about a
// person they found comes from the one Person and therefore agrees.
import { Draw, unitHash } from "../random";
import { hasLastName, TRIGGER_DOMAINS } from "./edge-cases";
import type { Person } from "./person";

export type DataProvider = "hunter" | "pdl" | "apollo";

export function isFound(provider: DataProvider, person: Person, findRate: number): boolean {
  if (hasLastName(person, "erased")) return false;
  if (person.company.domain === TRIGGER_DOMAINS.unknown) return false;
  if (person.company.domain === TRIGGER_DOMAINS.everyone) return true;
  // The triggers that exist to show a provider-specific answer must be found by that provider.
  if (provider === "apollo" && hasLastName(person, "locked")) return true;
  if (provider === "hunter" && hasLastName(person, "pending")) return true;
  return unitHash(`found|${provider}`, person.key) < findRate;
}

export function isAcceptAll(person: Person): boolean {
  return person.company.domain === TRIGGER_DOMAINS.acceptAll;
}

/** Hunter's confidence score, 0-100: mostly high, low on accept-all domains. */
export function hunterScore(person: Person): number {
  const draw = new Draw(`hunter-score|${person.key}`);
  if (isAcceptAll(person)) return draw.int(20, 45);
  return draw.weighted([
    [draw.int(90, 99), 50],
    [draw.int(70, 89), 35],
    [draw.int(40, 69), 15],
  ]);
}

/** PDL's likelihood, 1-10 (logarithmic in PDL's words): mostly 6 and up, a tail below 2. */
export function pdlLikelihood(person: Person): number {
  const draw = new Draw(`pdl-likelihood|${person.key}`);
  if (person.company.domain === TRIGGER_DOMAINS.everyone) return draw.int(6, 10);
  return draw.weighted([
    [10, 15],
    [9, 20],
    [8, 20],
    [7, 15],
    [6, 10],
    [5, 8],
    [4, 5],
    [3, 4],
    [2, 2],
    [1, 1],
  ]);
}

/** Whether PDL's record of a matched person carries the work email (PDL often lacks one). */
export function pdlHasWorkEmail(person: Person): boolean {
  if (person.company.domain === TRIGGER_DOMAINS.everyone) return true;
  return unitHash("pdl-email", person.key) < 0.85;
}

/** Whether Apollo hides the email behind its placeholder for a matched person. */
export function apolloEmailLocked(person: Person): boolean {
  if (hasLastName(person, "locked")) return true;
  if (person.company.domain === TRIGGER_DOMAINS.everyone) return false;
  return unitHash("apollo-locked", person.key) < 0.08;
}

/** A stable date in 2024-2025 for "extracted_on"/"verified" style fields. */
export function stableDate(seed: string): string {
  const draw = new Draw(`date|${seed}`);
  const day = new Date(Date.UTC(2024, 0, 1) + draw.int(0, 700) * 86_400_000);
  return day.toISOString().slice(0, 10);
}
