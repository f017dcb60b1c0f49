// Inputs that deterministically trigger documented edge cases, so tests and demos can
// reach every branch of an adapter without configuring anything. Listed in the README.
import type { Person } from "./person";

/** Last names (case-insensitive) with a special meaning. */
export const TRIGGER_LAST_NAMES = {
  /** Hunter answers 451 (the person asked to be erased); the other providers find nobody. */
  erased: "erased",
  /** Apollo returns the person with the `email_not_unlocked@domain.com` placeholder. */
  locked: "locked",
  /** Every provider adds `slowMs` (default 3 s) to its latency, for timeout tests. */
  slow: "slow",
  /** The first request for this person to each provider fails with 503; later ones succeed. */
  flaky: "flaky",
  /** Hunter answers 202 (verification in progress) the first time, then 200. */
  pending: "pending",
} as const;

/** Domains with a special meaning. */
export const TRIGGER_DOMAINS = {
  /** Hunter: accept_all true, verification status accept_all, score 20-45. */
  acceptAll: "accept-all.test",
  /** Nobody is found there, by any provider. */
  unknown: "unknown.test",
  /** Everybody is found there, by every provider (with an email, likelihood ≥ 6). */
  everyone: "everyone.test",
} as const;

export function hasLastName(person: Person, trigger: keyof typeof TRIGGER_LAST_NAMES): boolean {
  return person.lastName.toLowerCase() === TRIGGER_LAST_NAMES[trigger];
}
