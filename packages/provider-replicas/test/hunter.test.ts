import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { DEFAULT_KEYS, type Replicas, startReplica } from "../src/index";
import { call, fakeClock, personWhere, query, triggerPerson } from "./helpers";

const KEY = DEFAULT_KEYS.hunter;

describe("Hunter Email Finder replica", () => {
  let hunter: Replicas<"hunter">;
  const finder = (params: Record<string, string>, headers: Record<string, string> = {}) =>
    call(`${hunter.urls.hunter}/v2/email-finder?${query(params)}`, { headers });
  const ask = (first: string, last: string, domain: string) =>
    finder({ first_name: first, last_name: last, domain, api_key: KEY });

  beforeAll(async () => {
    hunter = await startReplica("hunter", { port: 0 });
  });
  afterAll(() => hunter.close());
  beforeEach(() => {
    hunter.configure({
      hunter: { convention: "client", credits: 1_000_000, faults: [], perSecond: 15, perMinute: 500 },
    });
    hunter.reset();
  });

  test("GET /v2/email-finder – a person Hunter finds → 200 with every documented data field, billed 1 credit", async () => {
    const person = personWhere({ hunter: true });
    const reply = await ask(person.firstName, person.lastName, "acme.test");
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body.data).sort()).toEqual(
      [
        "first_name",
        "last_name",
        "email",
        "score",
        "domain",
        "accept_all",
        "position",
        "twitter",
        "linkedin_url",
        "phone_number",
        "company",
        "sources",
        "verification",
      ].sort(),
    );
    expect(reply.body.data).toMatchObject({
      first_name: person.firstName,
      last_name: person.lastName,
      email: person.email,
      domain: "acme.test",
      accept_all: false,
      position: person.role.title,
      company: "Acme",
    });
    expect(reply.body.data.score).toBeGreaterThanOrEqual(40);
    expect(reply.body.data.score).toBeLessThanOrEqual(99);
    expect(reply.body.data.sources.length).toBeGreaterThan(0);
    expect(reply.body.data.sources[0]).toMatchObject({ domain: "acme.test", still_on_page: true });
    expect(["valid", "unknown"]).toContain(reply.body.data.verification.status);
    expect(reply.body.meta.params).toEqual({
      first_name: person.firstName,
      last_name: person.lastName,
      full_name: null,
      domain: "acme.test",
      company: null,
      max_duration: null,
    });
    expect(hunter.stats().hunter.creditsBilled).toBe(1);
  });

  test("GET /v2/email-finder – a person Hunter does not find → 200 with null person fields, empty sources, not billed", async () => {
    const person = personWhere({ hunter: false });
    const reply = await ask(person.firstName, person.lastName, "acme.test");
    expect(reply.status).toBe(200);
    expect(reply.body.data).toEqual({
      first_name: null,
      last_name: null,
      email: null,
      score: null,
      domain: "acme.test",
      accept_all: null,
      position: null,
      twitter: null,
      linkedin_url: null,
      phone_number: null,
      company: null,
      sources: [],
      verification: { date: null, status: null },
    });
    expect(hunter.stats().hunter.creditsBilled).toBe(0);
  });

  test("GET /v2/email-finder – the key works as api_key, X-API-KEY or Authorization: Bearer", async () => {
    const person = personWhere({ hunter: true });
    const params = { first_name: person.firstName, last_name: person.lastName, domain: "acme.test" };
    const replies = await Promise.all([
      finder({ ...params, api_key: KEY }),
      finder(params, { "X-API-KEY": KEY }),
      finder(params, { Authorization: `Bearer ${KEY}` }),
    ]);
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(new Set(replies.map((r) => r.body.data.email))).toEqual(new Set([person.email]));
  });

  test("GET /v2/email-finder – missing or unknown key → 401 in the errors envelope", async () => {
    for (const reply of [
      await finder({ first_name: "Ada", last_name: "Lovelace", domain: "acme.test" }),
      await finder({ first_name: "Ada", last_name: "Lovelace", domain: "acme.test", api_key: "nope" }),
    ]) {
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({
        errors: [{ id: "unauthorized", code: 401, details: "No valid API key was provided." }],
      });
    }
  });

  test("GET /v2/email-finder – test-api-key validates the parameters and returns the docs' dummy answer", async () => {
    const reply = await finder({
      first_name: "Anyone",
      last_name: "Else",
      domain: "acme.test",
      api_key: "test-api-key",
    });
    expect(reply.status).toBe(200);
    expect(reply.body.data).toMatchObject({ email: "alexis@reddit.com", score: 97, company: "Reddit" });
    const bad = await finder({ first_name: "Anyone", last_name: "Else", api_key: "test-api-key" });
    expect(bad.status).toBe(400);
  });

  test("GET /v2/email-finder – missing domain/company or names → 400 wrong_params", async () => {
    const noDomain = await finder({ first_name: "Ada", last_name: "Lovelace", api_key: KEY });
    expect(noDomain.status).toBe(400);
    expect(noDomain.body).toEqual({
      errors: [{ id: "wrong_params", code: 400, details: "You are missing the domain parameter" }],
    });
    const noNames = await finder({ domain: "acme.test", api_key: KEY });
    expect(noNames.status).toBe(400);
    expect(noNames.body.errors[0]).toMatchObject({ id: "wrong_params", code: 400 });
  });

  test("GET /v2/email-finder – full_name and company stand in for first/last name and domain; domain wins over company", async () => {
    // A company name maps to <letters>.com, so "Acme, Inc." is acme.com.
    const person = personWhere({ hunter: true }, "acme.com");
    const byFullName = await finder({ full_name: person.fullName, company: "Acme, Inc.", api_key: KEY });
    expect(byFullName.status).toBe(200);
    expect(byFullName.body.data.email).toBe(person.email);
    const both = await finder({ full_name: person.fullName, domain: "acme.com", company: "Other Corp", api_key: KEY });
    expect(both.body.data.email).toBe(person.email);
    expect(both.body.meta.params.company).toBe("Other Corp");
  });

  test("GET /v2/email-finder – max_duration is echoed clamped to 3..20", async () => {
    const reply = await finder({ full_name: "Ada Lovelace", domain: "acme.test", max_duration: "60", api_key: KEY });
    expect(reply.body.meta.params.max_duration).toBe(20);
  });

  test("GET /v2/email-finder – last name Erased → 451", async () => {
    const reply = await ask("Test", "Erased", "acme.test");
    expect(reply.status).toBe(451);
    expect(reply.body.errors[0]).toMatchObject({ code: 451 });
  });

  test("GET /v2/email-finder – domain accept-all.test → accept_all true, status accept_all, score 20-45", async () => {
    const person = personWhere({ hunter: true }, "accept-all.test");
    const reply = await ask(person.firstName, person.lastName, "accept-all.test");
    expect(reply.body.data.accept_all).toBe(true);
    expect(reply.body.data.verification.status).toBe("accept_all");
    expect(reply.body.data.score).toBeGreaterThanOrEqual(20);
    expect(reply.body.data.score).toBeLessThanOrEqual(45);
  });

  test("GET /v2/email-finder – last name Pending → 202 once, then 200; Flaky → 503 once, then an answer", async () => {
    const pending = triggerPerson("Pending");
    const first = await ask(pending.firstName, pending.lastName, "acme.test");
    expect(first.status).toBe(202);
    expect(first.body.errors[0]).toMatchObject({ id: "verification_in_progress", code: 202 });
    expect((await ask(pending.firstName, pending.lastName, "acme.test")).status).toBe(200);
    const flaky = await ask("Test", "Flaky", "acme.test");
    expect(flaky.status).toBe(503);
    expect(flaky.body.errors[0]).toMatchObject({ code: 503 });
    expect((await ask("Test", "Flaky", "acme.test")).status).toBe(200);
  });

  test("GET /v2/email-finder – a forbidden key → 403 forbidden", async () => {
    hunter.configure({ hunter: { forbiddenKeys: ["replica-blocked"] } });
    const reply = await finder({ full_name: "Ada Lovelace", domain: "acme.test", api_key: "replica-blocked" });
    expect(reply.status).toBe(403);
    expect(reply.body.errors[0]).toMatchObject({ id: "forbidden", code: 403 });
    hunter.configure({ hunter: { forbiddenKeys: [] } });
  });

  test("GET /v2/email-finder – 20 requests in one second ('client' convention) → 15 × 200 and 5 × 429 with Retry-After", async () => {
    const replies = await Promise.all(Array.from({ length: 20 }, () => ask("Ada", "Lovelace", "acme.test")));
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(15);
    const limited = replies.filter((r) => r.status === 429);
    expect(limited).toHaveLength(5);
    for (const reply of limited) {
      expect(reply.headers.get("retry-after")).toBe("1");
      expect(reply.body.errors[0]).toMatchObject({ id: "too_many_requests", code: 429 });
      // Must not read as a quota error to clients that look for "usage limit"/"billing period".
      expect(reply.body.errors[0].details).not.toMatch(/usage limit|billing period/);
    }
    const stats = hunter.stats().hunter;
    expect(stats.rateLimited).toBe(5);
    expect(stats.byStatus).toMatchObject({ 200: 15, 429: 5 });
    expect(stats.maxRequestsPerSecond).toBe(20);
  });

  test("GET /v2/email-finder – 20 requests in one second ('docs' convention) → 15 × 200 and 5 × 403 rate limit", async () => {
    hunter.configure({ hunter: { convention: "docs" } });
    const replies = await Promise.all(Array.from({ length: 20 }, () => ask("Ada", "Lovelace", "acme.test")));
    const limited = replies.filter((r) => r.status === 403);
    expect(replies.filter((r) => r.status === 200)).toHaveLength(15);
    expect(limited).toHaveLength(5);
    expect(limited[0]?.body).toEqual({
      errors: [{ id: "too_many_requests", code: 403, details: "You have reached the rate limit." }],
    });
    expect(hunter.stats().hunter.rateLimited).toBe(5);
  });

  test("GET /v2/email-finder – the per-minute limit (500, sliding) refuses with Retry-After until the oldest request is a minute old", async () => {
    const clock = fakeClock();
    const local = await startReplica("hunter", { port: 0, now: clock.now, config: { hunter: { perMinute: 30 } } });
    try {
      const hit = () =>
        call(`${local.url}/v2/email-finder?${query({ full_name: "Ada Lovelace", domain: "acme.test", api_key: KEY })}`);
      for (let second = 0; second < 2; second++) {
        const replies = await Promise.all(Array.from({ length: 15 }, hit));
        expect(replies.every((r) => r.status === 200)).toBe(true);
        clock.advance(1000);
      }
      const refused = await hit();
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).toBe("58");
      clock.advance(58_000);
      expect((await hit()).status).toBe(200);
    } finally {
      await local.close();
    }
  });

  test("GET /v2/email-finder – credits exhausted → 402 payment_required ('client') or 429 usage limit ('docs'); misses cost nothing", async () => {
    hunter.configure({ hunter: { credits: 1 } });
    const miss = personWhere({ hunter: false });
    const hit = personWhere({ hunter: true });
    expect((await ask(miss.firstName, miss.lastName, "acme.test")).status).toBe(200);
    expect((await ask(hit.firstName, hit.lastName, "acme.test")).status).toBe(200);
    const client = await ask(hit.firstName, hit.lastName, "acme.test");
    expect(client.status).toBe(402);
    expect(client.body.errors[0]).toMatchObject({ id: "payment_required", code: 402 });
    hunter.configure({ hunter: { convention: "docs" } });
    const docs = await ask(hit.firstName, hit.lastName, "acme.test");
    expect(docs.status).toBe(429);
    expect(docs.body.errors[0].details).toMatch(/billing period/);
    expect(hunter.stats().hunter).toMatchObject({ creditsBilled: 1, outOfCredits: 2, rateLimited: 0 });
  });

  test("GET /v2/email-finder – an injected 503 rate of 1 → every call 503 in the envelope; rate 0 → none", async () => {
    hunter.configure({ hunter: { faults: [{ status: 503, rate: 1 }] } });
    const reply = await ask("Ada", "Lovelace", "acme.test");
    expect(reply.status).toBe(503);
    expect(reply.body.errors[0]).toMatchObject({ code: 503, details: "Something went wrong on Hunter's end." });
    hunter.configure({ hunter: { faults: [{ status: 503, rate: 0 }] } });
    expect((await ask("Ada", "Lovelace", "acme.test")).status).toBe(200);
  });

  test("GET /v2/email-finder – an injected 5 % of 503s over 300 calls → between 3 % and 8 %", async () => {
    hunter.configure({ hunter: { faults: [{ status: 503, rate: 0.05 }], perSecond: 1000, perMinute: 1000 } });
    let failures = 0;
    for (let i = 0; i < 300; i++) if ((await ask("Ada", "Lovelace", "acme.test")).status === 503) failures++;
    expect(failures).toBeGreaterThanOrEqual(9);
    expect(failures).toBeLessThanOrEqual(24);
  });

  test("unknown Hunter path → 404 in the errors envelope", async () => {
    const reply = await call(`${hunter.url}/v2/nothing-here?api_key=${KEY}`);
    expect(reply.status).toBe(404);
    expect(reply.body.errors[0]).toMatchObject({ id: "not_found", code: 404 });
  });
});
