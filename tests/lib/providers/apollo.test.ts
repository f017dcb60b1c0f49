import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { callProvider } from "@/lib/providers/call-provider";
import type { FieldName } from "@/lib/providers/types";
import { testAccount } from "../../support/auth";
import { withinOneClockMinute } from "../../support/clock";
import { startTestReplicas, type TestReplicas } from "../../support/replicas";

// Provider keys and alerts belong to a workspace: the file's test account's.
let workspaceId = "";
beforeAll(async () => {
  workspaceId = (await testAccount()).workspaceId;
});

// The Apollo People Match adapter against the Apollo replica, status by status.

let replicas: TestReplicas;
beforeAll(async () => {
  replicas = await startTestReplicas();
});
afterAll(() => replicas.close());
beforeEach(() => replicas.restore());

const apollo = (inputs: Record<string, string>, field: FieldName = "email") =>
  callProvider({
    workspaceId: workspaceId,
    adapterId: "apollo.people-match",
    request: { field, inputs, row: {} },
  });

const found = { fullName: "Alan Turing", domain: "everyone.test" };

describe("Apollo People Match adapter", () => {
  test("200 with a person → found; a verified email gets 0.9 and its email_status is kept", async () => {
    const r = await apollo(found);
    expect(r).toMatchObject({
      outcome: "found",
      httpStatus: 200,
      credits: 1,
      rawConfidence: "verified",
      confidence: 0.9,
    });
    expect(r.value).toMatch(/@everyone\.test$/);
  });

  test("a guessed email (accept-all domain) gets 0.5", async () => {
    const r = await apollo({ fullName: "Alan Turing", domain: "accept-all.test" });
    if (r.outcome === "found") expect(r).toMatchObject({ rawConfidence: "guessed", confidence: 0.5 });
    else expect(r.outcome).toBe("not_found");
  });

  test("200 whose person is null → not_found, not billed", async () => {
    expect(await apollo({ fullName: "Alan Turing", domain: "unknown.test" })).toMatchObject({
      outcome: "not_found",
      httpStatus: 200,
      credits: 0,
    });
  });

  test("the email_not_unlocked@domain.com placeholder is no email → not_found; the record still gives a title", async () => {
    expect(await apollo({ fullName: "Alan Locked", domain: "everyone.test" })).toMatchObject({ outcome: "not_found" });
    expect((await apollo({ fullName: "Alan Locked", domain: "everyone.test" }, "title")).outcome).toBe("found");
  });

  test("401 (text/plain body) → unauthorized", async () => {
    const before = process.env.GLAZE_APOLLO_API_KEY;
    process.env.GLAZE_APOLLO_API_KEY = "nope";
    try {
      const r = await apollo(found);
      expect(r).toMatchObject({ outcome: "unauthorized", httpStatus: 401 });
      expect(r.error).toMatch(/Invalid API key/);
    } finally {
      process.env.GLAZE_APOLLO_API_KEY = before;
    }
  });

  test("403 (API_INACCESSIBLE) → unauthorized", async () => {
    replicas.configure({ apollo: { forbiddenKeys: [process.env.GLAZE_APOLLO_API_KEY as string] } });
    expect(await apollo(found)).toMatchObject({ outcome: "unauthorized", httpStatus: 403 });
  });

  test("422 → bad_input; a refusal that speaks of credits → out_of_credits", async () => {
    replicas.configure({ apollo: { faults: [{ status: 422, rate: 1 }] } });
    expect(await apollo(found)).toMatchObject({ outcome: "bad_input", httpStatus: 422 });
    replicas.configure({ apollo: { faults: [], credits: 0 } });
    expect(await apollo(found)).toMatchObject({ outcome: "out_of_credits", httpStatus: 422 });
  });

  test("429 on the minute window → rate_limited until the next minute", async () => {
    replicas.configure({ apollo: { perMinute: 1 } });
    await withinOneClockMinute();
    await apollo(found);
    const r = await apollo(found);
    expect(r).toMatchObject({ outcome: "rate_limited", httpStatus: 429 });
    expect(r.retryAfterMs).toBeGreaterThan(0);
    expect(r.retryAfterMs).toBeLessThanOrEqual(60_250);
  });

  test("429 on the daily window → out_of_credits (nothing to wait for within a job)", async () => {
    replicas.configure({ apollo: { perDay: 1 } });
    await apollo(found);
    expect(await apollo(found)).toMatchObject({ outcome: "out_of_credits", httpStatus: 429 });
    replicas.configure({ apollo: { perDay: 1, dailyHeaderNames: "daily" } });
    replicas.reset();
    await apollo(found);
    expect((await apollo(found)).outcome).toBe("out_of_credits");
  });

  test("5xx → transient", async () => {
    expect(await apollo({ fullName: "Alan Flaky", domain: "everyone.test" })).toMatchObject({
      outcome: "transient",
      httpStatus: 503,
    });
  });
});
