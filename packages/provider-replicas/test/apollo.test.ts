import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { DEFAULT_KEYS, LOCKED_EMAIL, type Replicas, startReplica } from "../src/index";
import { apolloEmailLocked } from "../src/population/coverage";
import { call, DOT_DOMAIN, fakeClock, personWhere, postJson, query, triggerPerson } from "./helpers";

const KEY = DEFAULT_KEYS.apollo;

describe("Apollo People Match replica", () => {
  let apollo: Replicas<"apollo">;
  const match = (body: unknown, headers: Record<string, string> = { "x-api-key": KEY }) =>
    postJson(`${apollo.urls.apollo}/api/v1/people/match`, body, headers);
  const found = personWhere({ apollo: true }, "acme.test", (p) => !apolloEmailLocked(p));
  const byName = { first_name: found.firstName, last_name: found.lastName, domain: "acme.test" };

  beforeAll(async () => {
    apollo = await startReplica("apollo", { port: 0 });
  });
  afterAll(() => apollo.close());
  beforeEach(() => {
    apollo.configure({
      apollo: { credits: 1_000_000, outOfCreditsStatus: 422, perMinute: 200, dailyHeaderNames: "24-hour" },
    });
    apollo.reset();
  });

  test("POST /api/v1/people/match – a match → 200 {person:{…, organization:{…}}, request_id} billed 1 credit", async () => {
    const reply = await match(byName);
    expect(reply.status).toBe(200);
    expect(reply.body.person).toMatchObject({
      id: found.apolloId,
      first_name: found.firstName,
      last_name: found.lastName,
      name: found.fullName,
      title: found.role.title,
      email: found.email,
      email_status: "verified",
      organization_id: found.company.apolloId,
      seniority: found.role.seniority,
      organization: { id: found.company.apolloId, name: "Acme", primary_domain: "acme.test" },
    });
    expect(reply.body.person.employment_history[0]).toMatchObject({ current: true, organization_name: "Acme" });
    // request_id is a 64-bit integer written as raw JSON digits.
    expect(reply.text).toMatch(/"request_id":1\d{18}\}$/);
    expect(apollo.stats().apollo.creditsBilled).toBe(1);
  });

  test("POST /api/v1/people/match – no match, or a name without a domain → 200 {person: null}, not billed", async () => {
    const miss = personWhere({ apollo: false });
    for (const body of [
      { first_name: miss.firstName, last_name: miss.lastName, domain: "acme.test" },
      { name: found.fullName },
    ]) {
      const reply = await match(body);
      expect(reply.status).toBe(200);
      expect(reply.body.person).toBeNull();
    }
    expect(apollo.stats().apollo.creditsBilled).toBe(0);
  });

  test("POST /api/v1/people/match – query parameters, the legacy /v1 path and the person's email reach the same person", async () => {
    const viaQuery = await call(`${apollo.urls.apollo}/api/v1/people/match?${query(byName)}`, {
      method: "POST",
      headers: { "x-api-key": KEY },
    });
    expect(viaQuery.body.person.email).toBe(found.email);
    const legacy = await postJson(`${apollo.urls.apollo}/v1/people/match`, byName, { "x-api-key": KEY });
    expect(legacy.body.person.id).toBe(found.apolloId);
    const dotted = personWhere({ apollo: true }, DOT_DOMAIN, (p) => !apolloEmailLocked(p));
    const byEmail = await match({ email: dotted.email });
    expect(byEmail.body.person.id).toBe(dotted.apolloId);
  });

  test("POST /api/v1/people/match – missing or unknown key → 401 text/plain; Bearer is accepted", async () => {
    for (const headers of [{}, { "x-api-key": "wrong" }] as Record<string, string>[]) {
      const reply = await match(byName, headers);
      expect(reply.status).toBe(401);
      expect(reply.headers.get("content-type")).toMatch(/^text\/plain/);
      expect(reply.text).toBe(
        "Invalid API key. See https://docs.apollo.io/reference/authentication for how to authenticate.",
      );
    }
    expect((await match(byName, { authorization: `Bearer ${KEY}` })).status).toBe(200);
  });

  test("POST /api/v1/people/match – a key without access → 403 API_INACCESSIBLE", async () => {
    apollo.configure({ apollo: { forbiddenKeys: ["replica-no-access"] } });
    const reply = await match(byName, { "x-api-key": "replica-no-access" });
    expect(reply.status).toBe(403);
    expect(reply.body).toEqual({
      error: "This API key is not authorized to access api/v1/people/match.",
      error_code: "API_INACCESSIBLE",
    });
    apollo.configure({ apollo: { forbiddenKeys: [] } });
  });

  test("POST /api/v1/people/match – nothing identifying, or reveal_phone_number without webhook_url → 422 {error}", async () => {
    const empty = await match({ domain: "acme.test" });
    expect(empty.status).toBe(422);
    expect(typeof empty.body.error).toBe("string");
    const phone = await match({ ...byName, reveal_phone_number: true });
    expect(phone.status).toBe(422);
    expect(phone.body.error).toMatch(/webhook_url/);
    const malformed = await call(`${apollo.urls.apollo}/api/v1/people/match`, {
      method: "POST",
      headers: { "x-api-key": KEY, "content-type": "application/json" },
      body: "{not json",
    });
    expect(malformed.status).toBe(400);
  });

  test("POST /api/v1/people/match – last name Locked → the email_not_unlocked@domain.com placeholder", async () => {
    const locked = triggerPerson("Locked");
    const reply = await match({ first_name: locked.firstName, last_name: locked.lastName, domain: "acme.test" });
    expect(reply.body.person.email).toBe(LOCKED_EMAIL);
    expect(reply.body.person.email_status).toBe("unavailable");
  });

  test("POST /api/v1/people/match – every response carries the minute/hourly/24-hour usage headers", async () => {
    const reply = await match(byName);
    expect(
      Object.fromEntries([...reply.headers].filter(([name]) => /^x-(rate-limit|minute|hourly|24-hour)/.test(name))),
    ).toEqual({
      "x-rate-limit-minute": "200",
      "x-minute-usage": "1",
      "x-minute-requests-left": "199",
      "x-rate-limit-hourly": "600",
      "x-hourly-usage": "1",
      "x-hourly-requests-left": "599",
      "x-rate-limit-24-hour": "2000",
      "x-24-hour-usage": "1",
      "x-24-hour-requests-left": "1999",
    });
    apollo.configure({ apollo: { dailyHeaderNames: "daily" } });
    const old = await match(byName);
    expect(old.headers.get("x-rate-limit-daily")).toBe("2000");
    expect(old.headers.get("x-daily-requests-left")).toBe("1998");
  });

  test("POST /api/v1/people/match – over the minute limit → 429 {message} naming the limit; the hourly and daily windows refuse the same way", async () => {
    const clock = fakeClock(Date.UTC(2025, 0, 1, 12, 0, 0));
    const local = await startReplica("apollo", {
      port: 0,
      now: clock.now,
      config: { apollo: { perMinute: 2, perHour: 3, perDay: 4 } },
    });
    try {
      const hit = () => postJson(`${local.url}/api/v1/people/match`, byName, { "x-api-key": KEY });
      expect((await hit()).status).toBe(200);
      expect((await hit()).status).toBe(200);
      const minute = await hit();
      expect(minute.status).toBe(429);
      expect(minute.body).toEqual({
        message:
          "The maximum number of api calls allowed for api/v1/people/match is 2 times per minute. Please upgrade your plan from https://app.apollo.io/#/settings/plans/upgrade.",
      });
      expect(minute.headers.get("x-minute-requests-left")).toBe("0");
      clock.advance(60_000);
      expect((await hit()).status).toBe(200);
      const hour = await hit();
      expect(hour.status).toBe(429);
      expect(hour.body.message).toContain("is 3 times per hour");
      clock.advance(3_600_000);
      expect((await hit()).status).toBe(200);
      const day = await hit();
      expect(day.body.message).toContain("is 4 times per day");
      expect(local.stats().apollo.rateLimited).toBe(3);
    } finally {
      await local.close();
    }
  });

  test("POST /api/v1/people/match – credits exhausted → 422 mentioning credits (or, configured, the placeholder unbilled); misses still answer", async () => {
    apollo.configure({ apollo: { credits: 1 } });
    expect((await match(byName)).status).toBe(200);
    const refused = await match(byName);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatch(/credits/);
    const miss = personWhere({ apollo: false });
    expect(
      (await match({ first_name: miss.firstName, last_name: miss.lastName, domain: "acme.test" })).body,
    ).toMatchObject({
      person: null,
    });
    apollo.configure({ apollo: { outOfCreditsStatus: null } });
    const placeholder = await match(byName);
    expect(placeholder.status).toBe(200);
    expect(placeholder.body.person.email).toBe(LOCKED_EMAIL);
    expect(apollo.stats().apollo).toMatchObject({ creditsBilled: 1, outOfCredits: 1 });
  });

  test("GET /v1/auth/health – a valid key → {is_logged_in: true}; an injected 503 → {error}", async () => {
    const health = await call(`${apollo.urls.apollo}/v1/auth/health`, { headers: { "x-api-key": KEY } });
    expect(health.body).toEqual({ is_logged_in: true });
    apollo.configure({ apollo: { faults: [{ status: 503, rate: 1 }] } });
    const fault = await match(byName);
    expect(fault.status).toBe(503);
    expect(typeof fault.body.error).toBe("string");
    apollo.configure({ apollo: { faults: [] } });
  });
});
