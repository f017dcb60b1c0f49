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

// The People Data Labs Person Enrichment adapter against the PDL replica, status by status.

let replicas: TestReplicas;
beforeAll(async () => {
  replicas = await startTestReplicas();
});
afterAll(() => replicas.close());
beforeEach(() => replicas.restore());

const pdl = (inputs: Record<string, string>, field: FieldName = "email") =>
  callProvider({ workspaceId: workspaceId, adapterId: "pdl.person", request: { field, inputs, row: {} } });

const found = { fullName: "Grace Hopper", domain: "everyone.test" };

describe("PDL Person Enrichment adapter", () => {
  test("200 → found: likelihood/10 as confidence, the likelihood kept, the record id as evidence, 1 credit", async () => {
    const r = await pdl(found);
    expect(r).toMatchObject({ outcome: "found", httpStatus: 200, credits: 1 });
    expect(r.value).toMatch(/@everyone\.test$/);
    expect(r.rawConfidence).toBeGreaterThanOrEqual(6);
    expect(r.confidence).toBeCloseTo((r.rawConfidence as number) / 10);
    expect((r.evidence as { recordId: string }).recordId).toBeTruthy();
  });

  test("titles and LinkedIn URLs come back readable (titlecase, https://)", async () => {
    expect((await pdl(found, "linkedin_url")).value).toMatch(/^https:\/\/linkedin\.com\/in\//);
    const title = await pdl(found, "title");
    expect(title.outcome).toBe("found");
    expect(String(title.value)[0]).toMatch(/[A-Z]/);
  });

  test("404 (no match) → not_found, not billed", async () => {
    const r = await pdl({ fullName: "Grace Hopper", domain: "unknown.test" });
    expect(r).toMatchObject({ outcome: "not_found", httpStatus: 404, credits: 0 });
    expect(replicas.stats().pdl.creditsBilled).toBe(0);
  });

  test("400 (below the documented minimum input: a name alone) → bad_input", async () => {
    expect(await pdl({ fullName: "Grace Hopper" })).toMatchObject({ outcome: "bad_input", httpStatus: 400 });
  });

  test("401 → unauthorized", async () => {
    const before = process.env.GLAZE_PDL_API_KEY;
    process.env.GLAZE_PDL_API_KEY = "x".repeat(64);
    try {
      expect(await pdl(found)).toMatchObject({ outcome: "unauthorized", httpStatus: 401 });
    } finally {
      process.env.GLAZE_PDL_API_KEY = before;
    }
  });

  test("402 (credits used up) → out_of_credits", async () => {
    replicas.configure({ pdl: { credits: 0 } });
    expect(await pdl(found)).toMatchObject({ outcome: "out_of_credits", httpStatus: 402 });
  });

  test("403 → unauthorized", async () => {
    replicas.configure({ pdl: { forbiddenKeys: [process.env.GLAZE_PDL_API_KEY as string] } });
    expect(await pdl(found)).toMatchObject({ outcome: "unauthorized", httpStatus: 403 });
  });

  test("429 → rate_limited, waiting until x-ratelimit-reset", async () => {
    replicas.configure({ pdl: { perMinute: 1 } });
    await withinOneClockMinute();
    await pdl(found);
    const r = await pdl(found);
    expect(r).toMatchObject({ outcome: "rate_limited", httpStatus: 429 });
    expect(r.retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect(r.retryAfterMs).toBeLessThanOrEqual(61_000);
  });

  test("5xx → transient", async () => {
    expect(await pdl({ fullName: "Grace Flaky", domain: "everyone.test" })).toMatchObject({
      outcome: "transient",
      httpStatus: 503,
    });
    replicas.configure({ pdl: { faults: [{ status: 500, rate: 1 }] } });
    expect((await pdl(found)).outcome).toBe("transient");
  });

  test("a match without the column's field is a free 404 (required=…), not a billed 200", async () => {
    const r = await pdl(found, "phone");
    expect(r).toMatchObject({ outcome: "not_found", credits: 0 });
  });
});
