import { isFound } from "../src/population/coverage";
import { companyFor, type Person, personFor } from "../src/population/person";

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: tests assert on the bodies field by field
  body: any;
}

export async function call(url: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return call(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

export function query(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

const FIRST = [
  "Ada",
  "Grace",
  "Alan",
  "Linus",
  "Barbara",
  "Ken",
  "Margaret",
  "Dennis",
  "Radia",
  "Edsger",
  "Frances",
  "Donald",
];
const LAST = [
  "Lovelace",
  "Hopper",
  "Turing",
  "Torvalds",
  "Liskov",
  "Thompson",
  "Hamilton",
  "Ritchie",
  "Perlman",
  "Dijkstra",
  "Allen",
  "Knuth",
];

/** Every name pair at `domain`, in a fixed order. */
export function people(domain: string): Person[] {
  const out: Person[] = [];
  for (const first of FIRST) {
    for (const last of LAST) {
      const person = personFor({ firstName: first, lastName: last, company: domain });
      if (person) out.push(person);
    }
  }
  return out;
}

/** The first person at `domain` that each provider finds (true) or misses (false) as asked. */
export function personWhere(
  want: Partial<Record<"hunter" | "pdl" | "apollo", boolean>>,
  domain = "acme.test",
  extra: (person: Person) => boolean = () => true,
): Person {
  const rates = { hunter: 0.7, pdl: 0.6, apollo: 0.5 } as const;
  const person = people(domain).find(
    (candidate) =>
      Object.entries(want).every(
        ([provider, found]) =>
          isFound(provider as keyof typeof rates, candidate, rates[provider as keyof typeof rates]) === found,
      ) && extra(candidate),
  );
  if (!person) throw new Error(`no test person matches ${JSON.stringify(want)}`);
  return person;
}

/** A person with a trigger last name (first name fixed). */
export function triggerPerson(lastName: string, domain = "acme.test"): Person {
  const person = personFor({ firstName: "Test", lastName, company: domain });
  if (!person) throw new Error("unreachable");
  return person;
}

/** A fake clock for fixed-window tests. */
export function fakeClock(start = Date.UTC(2025, 0, 1, 12, 0, 0)) {
  let now = start;
  return {
    now: () => now,
    set: (ms: number) => {
      now = ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** A company whose addresses are first.last@…, so its people can also be looked up by email. */
export const DOT_DOMAIN = (() => {
  for (let i = 0; i < 200; i++) {
    const domain = `company${i}.test`;
    if (companyFor(domain).emailPattern === "first.last") return domain;
  }
  throw new Error("no first.last company in 200 tries");
})();
