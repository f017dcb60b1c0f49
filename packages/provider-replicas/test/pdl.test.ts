import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { DEFAULT_KEYS, type Replicas, startReplica } from "../src/index";
import { pdlHasWorkEmail, pdlLikelihood } from "../src/population/coverage";
import { call, DOT_DOMAIN, fakeClock, personWhere, postJson, query } from "./helpers";

const KEY = DEFAULT_KEYS.pdl;

describe("People Data Labs Person Enrichment replica", () => {
  let pdl: Replicas<"pdl">;
  const enrich = (params: Record<string, string>, headers: Record<string, string> = { "X-Api-Key": KEY }) =>
    call(`${pdl.urls.pdl}/v5/person/enrich?${query(params)}`, { headers });
  const found = personWhere({ pdl: true }, DOT_DOMAIN, (p) => pdlHasWorkEmail(p) && pdlLikelihood(p) >= 4);
  const byName = { first_name: found.firstName, last_name: found.lastName, company: DOT_DOMAIN };

  beforeAll(async () => {
    pdl = await startReplica("pdl", { port: 0 });
  });
  afterAll(() => pdl.close());
  beforeEach(() => {
    pdl.configure({ pdl: { credits: 1_000_000, perMinute: 100, faults: [] } });
    pdl.reset();
  });

  test("GET /v5/person/enrich – a match → 200 {status, likelihood 1-10, data} with lowercase values, 1 credit", async () => {
    const reply = await enrich(byName);
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe(200);
    expect(reply.body.likelihood).toBe(pdlLikelihood(found));
    expect(reply.body).not.toHaveProperty("matched");
    expect(reply.body.data).toMatchObject({
      id: found.pdlId,
      full_name: found.fullName.toLowerCase(),
      first_name: found.firstName.toLowerCase(),
      last_name: found.lastName.toLowerCase(),
      work_email: found.email,
      emails: [{ address: found.email, type: "professional" }],
      job_title: found.role.title.toLowerCase(),
      job_company_name: found.company.name.toLowerCase(),
      job_company_website: DOT_DOMAIN,
      mobile_phone: null,
      phone_numbers: [],
      personal_emails: [],
    });
    expect(reply.body.data.linkedin_url).toMatch(/^linkedin\.com\/in\//);
    expect(reply.headers.get("x-call-credits-spent")).toBe("1");
    expect(reply.headers.get("x-totallimit-remaining")).toBe("999999");
    expect(reply.headers.get("x-lifetime-used")).toBe("1");
    expect(pdl.stats().pdl.creditsBilled).toBe(1);
  });

  test("GET /v5/person/enrich – every response carries x-ratelimit-limit/-remaining as Python dicts and an ISO reset", async () => {
    const reply = await enrich(byName);
    expect(reply.headers.get("x-ratelimit-limit")).toBe("{'minute': 100}");
    expect(reply.headers.get("x-ratelimit-remaining")).toBe("{'minute': 99}");
    expect(new Date(reply.headers.get("x-ratelimit-reset") ?? "").getUTCSeconds()).toBe(0);
    // The official SDK's parsing works on these values.
    expect(JSON.parse((reply.headers.get("x-ratelimit-limit") ?? "").replace(/'/g, '"'))).toEqual({ minute: 100 });
  });

  test("GET /v5/person/enrich – no match → 404 not_found body, no credit spent", async () => {
    const miss = personWhere({ pdl: false });
    const reply = await enrich({ first_name: miss.firstName, last_name: miss.lastName, company: "acme.test" });
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({
      status: 404,
      error: { type: "not_found", message: "No records were found matching your request" },
    });
    expect(reply.headers.get("x-call-credits-spent")).toBe("0");
    expect(pdl.stats().pdl.creditsBilled).toBe(0);
  });

  test("GET /v5/person/enrich – the key works as X-Api-Key header or api_key parameter", async () => {
    expect((await enrich({ ...byName, api_key: KEY }, {})).status).toBe(200);
    expect((await enrich(byName, { "x-api-key": KEY })).status).toBe(200);
  });

  test("GET /v5/person/enrich – missing, unknown or non-64-character key → 401 authentication_error", async () => {
    const keys: Record<string, string>[] = [{}, { "X-Api-Key": "x".repeat(64) }, { "X-Api-Key": KEY.slice(0, 63) }];
    for (const headers of keys) {
      const reply = await enrich(byName, headers);
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({
        status: 401,
        error: { type: "authentication_error", message: "Request contained a missing or invalid key" },
      });
    }
  });

  test("GET /v5/person/enrich – less than the documented minimum input → 400 invalid_request_error", async () => {
    const tooLittle: Record<string, string>[] = [
      { first_name: "Ada", last_name: "Lovelace" },
      { company: "acme.test" },
      { first_name: "Ada", company: "acme.test" },
    ];
    for (const params of tooLittle) {
      const reply = await enrich(params);
      expect(reply.status).toBe(400);
      expect(reply.body.status).toBe(400);
      expect(reply.body.error.type).toBe("invalid_request_error");
    }
    const badLikelihood = await enrich({ ...byName, min_likelihood: "11" });
    expect(badLikelihood.status).toBe(400);
  });

  test("POST /v5/person/enrich – a JSON body is read like query parameters", async () => {
    const reply = await postJson(`${pdl.urls.pdl}/v5/person/enrich`, byName, { "X-Api-Key": KEY });
    expect(reply.status).toBe(200);
    expect(reply.body.data.work_email).toBe(found.email);
  });

  test("GET /v5/person/enrich – name + company URL, full name, or the person's email find the same record", async () => {
    const answers = await Promise.all([
      enrich({ name: found.fullName, company: DOT_DOMAIN }),
      enrich({ email: found.email }),
      enrich({ ...byName, company: `https://www.${DOT_DOMAIN}/about` }),
    ]);
    expect(answers.map((r) => r.body.data?.id)).toEqual([found.pdlId, found.pdlId, found.pdlId]);
  });

  test("GET /v5/person/enrich – min_likelihood above the match's likelihood → 404", async () => {
    const likelihood = pdlLikelihood(found);
    expect((await enrich({ ...byName, min_likelihood: String(likelihood) })).status).toBe(200);
    if (likelihood < 10) expect((await enrich({ ...byName, min_likelihood: String(likelihood + 1) })).status).toBe(404);
  });

  test("GET /v5/person/enrich – include_if_matched, titlecase, data_include and pretty shape the answer", async () => {
    const reply = await enrich({
      ...byName,
      include_if_matched: "true",
      titlecase: "true",
      data_include: "full_name,work_email",
      pretty: "true",
    });
    expect(reply.body.matched).toEqual(["company", "name"]);
    expect(reply.body.data).toEqual({ full_name: found.fullName, work_email: found.email });
    expect(reply.text).toContain('\n  "status": 200');
    const dropped = await enrich({ ...byName, data_include: "-experience,-profiles" });
    expect(dropped.body.data).not.toHaveProperty("experience");
    expect(dropped.body.data).toHaveProperty("work_email");
  });

  test("GET /v5/person/enrich – required fields the record lacks → 404; a malformed required → 400", async () => {
    expect((await enrich({ ...byName, required: "work_email AND (emails OR phone_numbers)" })).status).toBe(200);
    expect((await enrich({ ...byName, required: "mobile_phone" })).status).toBe(404);
    expect((await enrich({ ...byName, required: "work_email AND (" })).status).toBe(400);
  });

  test("GET /v5/person/enrich – credits exhausted → 402 payment_required", async () => {
    pdl.configure({ pdl: { credits: 1 } });
    expect((await enrich(byName)).status).toBe(200);
    const reply = await enrich(byName);
    expect(reply.status).toBe(402);
    expect(reply.body).toEqual({
      status: 402,
      error: {
        type: "payment_required",
        message: "Payment Required, You have hit your account maximum (all matches used)",
      },
    });
    expect(reply.headers.get("x-totallimit-remaining")).toBe("0");
    expect(pdl.stats().pdl.outOfCredits).toBe(1);
  });

  test("GET /v5/person/enrich – over the per-minute limit (fixed window) → 429 rate_limit_error until the next minute", async () => {
    const clock = fakeClock(Date.UTC(2025, 0, 1, 12, 0, 30));
    const local = await startReplica("pdl", { port: 0, now: clock.now, config: { pdl: { perMinute: 3 } } });
    try {
      const hit = () => call(`${local.url}/v5/person/enrich?${query(byName)}`, { headers: { "X-Api-Key": KEY } });
      for (let i = 0; i < 3; i++) expect((await hit()).status).toBe(200);
      const refused = await hit();
      expect(refused.status).toBe(429);
      expect(refused.body).toEqual({
        status: 429,
        error: { type: "rate_limit_error", message: "An error occurred due to requests hitting the API too quick" },
      });
      expect(refused.headers.get("x-ratelimit-remaining")).toBe("{'minute': 0}");
      expect(refused.headers.get("x-ratelimit-reset")).toBe("2025-01-01T12:01:00.000Z");
      expect(local.stats().pdl.rateLimited).toBe(1);
      clock.set(Date.UTC(2025, 0, 1, 12, 1, 0));
      expect((await hit()).status).toBe(200);
    } finally {
      await local.close();
    }
  });

  test("DELETE /v5/person/enrich → 405; an injected 500 → PDL's error shape", async () => {
    const reply = await call(`${pdl.urls.pdl}/v5/person/enrich`, { method: "DELETE", headers: { "X-Api-Key": KEY } });
    expect(reply.status).toBe(405);
    pdl.configure({ pdl: { faults: [{ status: 500, rate: 1 }] } });
    const fault = await enrich(byName);
    expect(fault.status).toBe(500);
    expect(fault.body.status).toBe(500);
    expect(fault.body.error.type).toBe("api_error");
  });
});
