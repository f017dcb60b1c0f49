import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DEFAULT_KEYS, LOCKED_EMAIL, type Replicas, startReplicas } from "../src/index";
import { apolloEmailLocked, hunterScore, isFound, pdlHasWorkEmail, pdlLikelihood } from "../src/population/coverage";
import { companyDomain } from "../src/population/normalize";
import { personByEmail, personFor } from "../src/population/person";
import { call, DOT_DOMAIN, postJson, query } from "./helpers";

// 2,400 synthetic people: 60 first names × 40 last names at one domain.
const FIRST = Array.from({ length: 60 }, (_, i) => `First${String.fromCharCode(97 + (i % 26))}${i}`);
const LAST = Array.from({ length: 40 }, (_, i) => `Last${String.fromCharCode(97 + (i % 26))}${i}`);
const POPULATION = FIRST.flatMap((first) =>
  LAST.map((last) => personFor({ firstName: first, lastName: last, company: "population.test" })),
).filter((p) => p !== null);

function share(predicate: (p: (typeof POPULATION)[number]) => boolean): number {
  return POPULATION.filter(predicate).length / POPULATION.length;
}

describe("synthetic population", () => {
  test("the same name and domain → the same person, however they are spelled", () => {
    const a = personFor({ firstName: "José", lastName: "García", company: "https://www.Acme.com/team" });
    const b = personFor({ firstName: " jose ", lastName: "GARCIA", company: "acme.com" });
    expect(a).toEqual(b);
    expect(a?.email).toMatch(/@acme\.com$/);
    expect(companyDomain("Acme, Inc.")).toBe("acme.com");
    expect(companyDomain("linkedin.com/company/acme")).toBe("acme.com");
  });

  test("find rates: Hunter ≈ 70 %, PDL ≈ 60 %, Apollo ≈ 50 %, decided independently", () => {
    const hunter = share((p) => isFound("hunter", p, 0.7));
    const pdl = share((p) => isFound("pdl", p, 0.6));
    const apollo = share((p) => isFound("apollo", p, 0.5));
    expect(hunter).toBeGreaterThan(0.67);
    expect(hunter).toBeLessThan(0.73);
    expect(pdl).toBeGreaterThan(0.57);
    expect(pdl).toBeLessThan(0.63);
    expect(apollo).toBeGreaterThan(0.47);
    expect(apollo).toBeLessThan(0.53);
    // Independent: found by both ≈ the product of the rates.
    const both = share((p) => isFound("hunter", p, 0.7) && isFound("apollo", p, 0.5));
    expect(Math.abs(both - hunter * apollo)).toBeLessThan(0.03);
  });

  test("scores and likelihoods spread realistically: Hunter 40-99 with most ≥ 70, PDL 1-10 with most ≥ 6", () => {
    const scores = POPULATION.map(hunterScore);
    expect(Math.min(...scores)).toBeGreaterThanOrEqual(40);
    expect(Math.max(...scores)).toBeLessThanOrEqual(99);
    expect(scores.filter((s) => s >= 70).length / scores.length).toBeGreaterThan(0.8);
    const likelihoods = POPULATION.map(pdlLikelihood);
    expect(new Set(likelihoods)).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    expect(likelihoods.filter((l) => l >= 6).length / likelihoods.length).toBeGreaterThan(0.75);
    expect(share(pdlHasWorkEmail)).toBeGreaterThan(0.8);
    expect(share(apolloEmailLocked)).toBeLessThan(0.12);
  });

  test("emails follow one pattern per company, and first.last addresses can be looked up by email", () => {
    const names: [string, string][] = [
      ["Ada", "Lovelace"],
      ["Grace", "Hopper"],
      ["Alan", "Turing"],
    ];
    const emails = names.map(([firstName, lastName]) => personFor({ firstName, lastName, company: DOT_DOMAIN })?.email);
    expect(emails).toEqual([`ada.lovelace@${DOT_DOMAIN}`, `grace.hopper@${DOT_DOMAIN}`, `alan.turing@${DOT_DOMAIN}`]);
    const person = personFor({ firstName: "Ada", lastName: "Lovelace", company: DOT_DOMAIN });
    expect(personByEmail(`ada.lovelace@${DOT_DOMAIN}`)?.key).toBe(person?.key);
    expect(personByEmail(`ada.lovelace@not-${DOT_DOMAIN}`)?.key).not.toBe(person?.key);
  });

  test("domains unknown.test and everyone.test → nobody / everybody found by every provider", () => {
    const nobody = personFor({ firstName: "Ada", lastName: "Lovelace", company: "unknown.test" });
    const everybody = personFor({ firstName: "Ada", lastName: "Lovelace", company: "everyone.test" });
    for (const provider of ["hunter", "pdl", "apollo"] as const) {
      expect(nobody && isFound(provider, nobody, 1)).toBe(false);
      expect(everybody && isFound(provider, everybody, 0)).toBe(true);
    }
  });
});

describe("cross-provider agreement over HTTP", () => {
  let replicas: Replicas;
  beforeAll(async () => {
    replicas = await startReplicas({
      port: 0,
      config: {
        hunter: { perSecond: 1000, perMinute: 100_000 },
        pdl: { perMinute: 100_000 },
        apollo: { perMinute: 100_000, perHour: 100_000, perDay: 100_000 },
      },
    });
  });
  afterAll(() => replicas.close());

  test("the same person asked twice → the same answer from every provider", async () => {
    const ask = () => askAll(replicas, "Grace", "Hopper", "navy.test");
    expect(await ask()).toEqual(await ask());
  });

  test("when several providers return an email for a person, it is the same email", async () => {
    let compared = 0;
    for (const first of ["Grace", "Alan", "Barbara", "Ken", "Radia", "Frances"]) {
      for (const last of ["Hopper", "Turing", "Liskov", "Thompson", "Perlman", "Allen"]) {
        const emails = (await askAll(replicas, first, last, "agree.test")).filter((e): e is string => e !== null);
        if (emails.length > 1) compared++;
        expect(new Set(emails).size).toBeLessThanOrEqual(1);
      }
    }
    expect(compared).toBeGreaterThan(5);
  });
});

/** [Hunter email, PDL work_email, Apollo email] for one person; null where a provider has none. */
async function askAll(replicas: Replicas, first: string, last: string, domain: string): Promise<(string | null)[]> {
  const hunter = await call(
    `${replicas.urls.hunter}/v2/email-finder?${query({ first_name: first, last_name: last, domain, api_key: DEFAULT_KEYS.hunter })}`,
  );
  const pdl = await call(
    `${replicas.urls.pdl}/v5/person/enrich?${query({ first_name: first, last_name: last, company: domain })}`,
    {
      headers: { "X-Api-Key": DEFAULT_KEYS.pdl },
    },
  );
  const apollo = await postJson(
    `${replicas.urls.apollo}/api/v1/people/match`,
    { first_name: first, last_name: last, domain },
    { "x-api-key": DEFAULT_KEYS.apollo },
  );
  const apolloEmail = apollo.body.person?.email ?? null;
  return [
    hunter.body.data.email,
    pdl.status === 200 ? pdl.body.data.work_email : null,
    apolloEmail === LOCKED_EMAIL ? null : apolloEmail,
  ];
}
