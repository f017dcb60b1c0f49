// The synthetic population: every (first name, last name, company domain) is a person whose
// attributes are drawn from a SHA-256 of that triple, and every domain a company whose
// attributes (including its email pattern) are drawn from the domain alone. So a person's
// email, title or city is the same whichever provider is asked and in whichever process;
// the providers differ only in whom they find (see coverage.ts) and in how they present it.
import { Draw } from "../random";
import { companyDomain, companyNameFor, emailLetters, normalizeDomain, normalizeName, titleCase } from "./normalize";
import {
  EMAIL_PATTERNS,
  type EmailPattern,
  INDUSTRIES,
  localPart,
  PLACES,
  type Place,
  ROLES,
  type Role,
} from "./vocab";

export interface Company {
  domain: string;
  name: string;
  industry: string;
  employees: number;
  foundedYear: number;
  linkedinSlug: string;
  emailPattern: EmailPattern;
  /** Apollo organization id: 24 hex characters, like a Mongo ObjectId. */
  apolloId: string;
  /** PDL company id. */
  pdlId: string;
}

export interface Person {
  /** `first|last|domain`, normalized: the identity every provider keys on. */
  key: string;
  firstName: string;
  lastName: string;
  fullName: string;
  company: Company;
  email: string;
  role: Role;
  place: Place;
  linkedinSlug: string;
  twitter: string | null;
  /** Current job start, `YYYY-MM`. */
  startDate: string;
  apolloId: string;
  /** PDL person id (22 url-safe characters plus `_0000`, like PDL's). */
  pdlId: string;
}

export interface Identity {
  firstName: string;
  lastName: string;
  /** A domain or a company name; see companyDomain(). */
  company: string;
}

const URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

export function companyFor(domain: string): Company {
  const draw = new Draw(`company|${domain}`);
  return {
    domain,
    name: companyNameFor(domain),
    industry: draw.pick(INDUSTRIES),
    employees: draw.weighted([
      [draw.int(2, 10), 2],
      [draw.int(11, 50), 4],
      [draw.int(51, 200), 4],
      [draw.int(201, 1000), 3],
      [draw.int(1001, 10000), 2],
    ]),
    foundedYear: draw.int(1990, 2022),
    linkedinSlug: domain.split(".")[0] ?? domain,
    emailPattern: draw.weighted(EMAIL_PATTERNS),
    apolloId: draw.hex(24),
    pdlId: Array.from({ length: 22 }, () => draw.pick([...URL_SAFE])).join(""),
  };
}

/** The person behind an identity, or null when the names or company are unusable. */
export function personFor(identity: Identity): Person | null {
  const first = normalizeName(identity.firstName);
  const last = normalizeName(identity.lastName);
  const domain = companyDomain(identity.company);
  if (emailLetters(first) === "" || emailLetters(last) === "" || !domain) return null;
  const key = `${first}|${last}|${domain}`;
  const draw = new Draw(`person|${key}`);
  const company = companyFor(domain);
  const linkedinSlug = `${emailLetters(first)}-${emailLetters(last)}-${draw.hex(4)}`;
  const twitter = draw.next() < 0.35 ? `${emailLetters(first)}${emailLetters(last)}`.slice(0, 15) : null;
  return {
    key,
    firstName: titleCase(first),
    lastName: titleCase(last),
    fullName: titleCase(`${first} ${last}`),
    company,
    email: `${localPart(company.emailPattern, emailLetters(first), emailLetters(last))}@${domain}`,
    role: draw.weighted(ROLES),
    place: draw.pick(PLACES),
    linkedinSlug,
    twitter,
    startDate: `${draw.int(2014, 2024)}-${String(draw.int(1, 12)).padStart(2, "0")}`,
    apolloId: draw.hex(24),
    pdlId: `${Array.from({ length: 22 }, () => draw.pick([...URL_SAFE])).join("")}_0000`,
  };
}

/** Splits a full name into first and last (the last word is the last name). */
export function splitFullName(fullName: string): { firstName: string; lastName: string } | null {
  const words = normalizeName(fullName).split(" ").filter(Boolean);
  if (words.length < 2) return null;
  return { firstName: words[0] as string, lastName: words.slice(1).join(" ") };
}

/**
 * Reverse lookup by email, as PDL and Apollo allow: the local part is split on `.`, `_`
 * or `-` into a first and last name, and the address counts only if it is exactly the
 * email that person has. Other shapes ("jdoe@…") cannot be inverted and are not found.
 */
export function personByEmail(email: string): Person | null {
  const match = /^([^@\s]+)@([^@\s]+)$/.exec(email.trim().toLowerCase());
  const domain = match?.[2] ? normalizeDomain(match[2]) : null;
  if (!match?.[1] || !domain) return null;
  const parts = match[1].split(/[._-]/).filter(Boolean);
  if (parts.length !== 2) return null;
  const person = personFor({ firstName: parts[0] as string, lastName: parts[1] as string, company: domain });
  return person && person.email === `${match[1]}@${domain}` ? person : null;
}
