import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { callProvider } from "@/lib/providers/call-provider";
import { testAccount } from "../../support/auth";
import { startTestReplicas, type TestReplicas } from "../../support/replicas";

// Provider keys and alerts belong to a workspace: the file's test account's.
let workspaceId = "";
beforeAll(async () => {
  workspaceId = (await testAccount()).workspaceId;
});

// The Hunter Email Finder adapter against the Hunter replica, for every status Hunter's docs
// and Hunter's own client document (both readings of 403/429).

let replicas: TestReplicas;
beforeAll(async () => {
  replicas = await startTestReplicas();
});
afterAll(() => replicas.close());
beforeEach(() => replicas.restore());

const hunter = (inputs: Record<string, string>, field = "email" as const) =>
  callProvider({
    workspaceId: workspaceId,
    adapterId: "hunter.email-finder",
    request: { field, inputs, row: {} },
  });

const found = { fullName: "Ada Lovelace", domain: "everyone.test" };

describe("Hunter Email Finder adapter", () => {
  test("200 with an email → found: score/100 as confidence, the score kept, sources as evidence, 1 credit", async () => {
    const r = await hunter(found);
    expect(r).toMatchObject({ outcome: "found", httpStatus: 200, credits: 1, error: null });
    expect(r.value).toMatch(/@everyone\.test$/);
    expect(typeof r.rawConfidence).toBe("number");
    expect(r.confidence).toBeCloseTo((r.rawConfidence as number) / 100);
    expect((r.evidence as { sources: { uri: string }[] }).sources[0]?.uri).toMatch(/^http:\/\/everyone\.test\//);
    expect(r.source).toMatch(/^Hunter Email Finder \(\d public sources?\)$/);
    expect(r.fingerprint).toMatch(/^[0-9a-f]{32}$/);
  });

  test("other fields come from the same answer (position → title)", async () => {
    const r = await hunter(found, "title" as "email");
    expect(r.outcome).toBe("found");
    expect(typeof r.value).toBe("string");
  });

  test("200 whose person fields are null → not_found, not billed", async () => {
    const r = await hunter({ fullName: "Ada Lovelace", domain: "unknown.test" });
    expect(r).toMatchObject({ outcome: "not_found", httpStatus: 200, credits: 0, value: null });
    expect(replicas.stats().hunter.creditsBilled).toBe(0);
  });

  test("first and last names are sent as first_name/last_name, a company name when there is no domain", async () => {
    const r = await hunter({ firstName: "Ada", lastName: "Lovelace", company: "Everyone" });
    expect(["found", "not_found"]).toContain(r.outcome);
    expect(r.httpStatus).toBe(200);
  });

  test("202 (verification still running) → transient; the next call answers", async () => {
    const first = await hunter({ fullName: "Ada Pending", domain: "everyone.test" });
    expect(first).toMatchObject({ outcome: "transient", httpStatus: 202 });
    expect((await hunter({ fullName: "Ada Pending", domain: "everyone.test" })).outcome).toBe("found");
  });

  test("451 (the person asked to be erased) → not_found, final", async () => {
    const r = await hunter({ fullName: "Ada Erased", domain: "everyone.test" });
    expect(r).toMatchObject({ outcome: "not_found", httpStatus: 451 });
    expect(r.error).toMatch(/erased/);
  });

  test("400 → bad_input; 422 → bad_input", async () => {
    replicas.configure({ hunter: { faults: [{ status: 400, rate: 1 }] } });
    expect(await hunter(found)).toMatchObject({ outcome: "bad_input", httpStatus: 400 });
    replicas.configure({ hunter: { faults: [{ status: 422, rate: 1 }] } });
    expect(await hunter(found)).toMatchObject({ outcome: "bad_input", httpStatus: 422 });
  });

  test("401 (no valid key) → unauthorized", async () => {
    const before = process.env.GLAZE_HUNTER_API_KEY;
    process.env.GLAZE_HUNTER_API_KEY = "not-a-key";
    try {
      expect(await hunter(found)).toMatchObject({ outcome: "unauthorized", httpStatus: 401 });
    } finally {
      process.env.GLAZE_HUNTER_API_KEY = before;
    }
  });

  test("no key configured at all → unauthorized without any call", async () => {
    const before = process.env.GLAZE_HUNTER_API_KEY;
    delete process.env.GLAZE_HUNTER_API_KEY;
    try {
      expect(await hunter(found)).toMatchObject({ outcome: "unauthorized", httpStatus: null });
      expect(replicas.stats().hunter.calls).toBe(0);
    } finally {
      process.env.GLAZE_HUNTER_API_KEY = before;
    }
  });

  test("client convention: 402 (quota used up) → out_of_credits", async () => {
    replicas.configure({ hunter: { credits: 0 } });
    expect(await hunter(found)).toMatchObject({ outcome: "out_of_credits", httpStatus: 402 });
  });

  test("client convention: 429 with Retry-After → rate_limited, waiting what Retry-After says", async () => {
    replicas.configure({ hunter: { perSecond: 1 } });
    expect((await hunter(found)).outcome).toBe("found");
    const r = await hunter(found);
    expect(r).toMatchObject({ outcome: "rate_limited", httpStatus: 429 });
    expect(r.retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect(r.retryAfterMs).toBeLessThanOrEqual(2000);
  });

  test("client convention: 403 forbidden → unauthorized", async () => {
    replicas.configure({ hunter: { forbiddenKeys: [process.env.GLAZE_HUNTER_API_KEY as string] } });
    expect(await hunter(found)).toMatchObject({ outcome: "unauthorized", httpStatus: 403 });
  });

  test("docs convention: 403 (rate limit reached) → rate_limited", async () => {
    replicas.configure({ hunter: { convention: "docs", perSecond: 1 } });
    await hunter(found);
    const r = await hunter(found);
    expect(r).toMatchObject({ outcome: "rate_limited", httpStatus: 403 });
    expect(r.retryAfterMs).toBeGreaterThan(0);
  });

  test("docs convention: 429 (usage limit of the billing period) → out_of_credits", async () => {
    replicas.configure({ hunter: { convention: "docs", credits: 0 } });
    expect(await hunter(found)).toMatchObject({ outcome: "out_of_credits", httpStatus: 429 });
  });

  test("5xx → transient (the Flaky trigger answers 503 once)", async () => {
    expect(await hunter({ fullName: "Ada Flaky", domain: "everyone.test" })).toMatchObject({
      outcome: "transient",
      httpStatus: 503,
    });
    replicas.configure({ hunter: { faults: [{ status: 500, rate: 1 }] } });
    expect(await hunter(found)).toMatchObject({ outcome: "transient", httpStatus: 500 });
  });

  test("an unreachable server → transient, and the message does not carry the key", async () => {
    const before = process.env.GLAZE_HUNTER_BASE_URL;
    process.env.GLAZE_HUNTER_BASE_URL = "http://127.0.0.1:1";
    try {
      const r = await hunter(found);
      expect(r).toMatchObject({ outcome: "transient", httpStatus: null });
      expect(r.error).not.toContain(process.env.GLAZE_HUNTER_API_KEY as string);
    } finally {
      process.env.GLAZE_HUNTER_BASE_URL = before;
    }
  });
});
