import { createHmac } from "node:crypto";
import { beforeAll, expect, test } from "vitest";

// Production mode: with INNGEST_SIGNING_KEY set (and no INNGEST_DEV), /api/inngest must
// reject requests that are unsigned, signed with another key, or replayed too late.

const SIGNING_KEY = "signkey-prod-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
let POST: Handler;
let PUT: Handler;

beforeAll(async () => {
  delete process.env.INNGEST_DEV;
  process.env.INNGEST_SIGNING_KEY = SIGNING_KEY;
  process.env.INNGEST_EVENT_KEY = "test-event-key";
  // Cloud mode would call Inngest Cloud on sync; keep every call on this machine.
  process.env.INNGEST_BASE_URL = "http://127.0.0.1:9";
  const routes = (await import("@/app/api/inngest/route")) as unknown as Record<string, Handler>;
  POST = routes.POST;
  PUT = routes.PUT;
});

/** JSON with keys sorted at every level (RFC 8785 for plain data): what Inngest signs. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

// HMAC-SHA256 over the canonical body and the timestamp, keyed with the signing key
// without its "signkey-<env>-" prefix (as Inngest Cloud signs its requests).
function sign(payload: string, key: string, at = Math.floor(Date.now() / 1000)) {
  const secret = key.replace(/^signkey-\w+-/, "");
  const mac = createHmac("sha256", secret)
    .update(canonical(JSON.parse(payload)) + at)
    .digest("hex");
  return `t=${at}&s=${mac}`;
}

const body = JSON.stringify({
  event: {
    name: "glaze/enrichment.requested",
    data: {
      jobId: "00000000-0000-4000-8000-000000000000",
      tableId: "00000000-0000-4000-8000-000000000000",
      totalTasks: 1,
    },
  },
  events: [],
  steps: {},
  ctx: {
    run_id: "run-1",
    attempt: 0,
    disable_immediate_execution: false,
    use_api: false,
    stack: { stack: [], current: 0 },
  },
  version: 2,
});

async function call(signature?: string) {
  const url = "http://localhost:3000/api/inngest?fnId=glaze-process-enrichment-job&stepId=step";
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (signature) headers["x-inngest-signature"] = signature;
  return POST(new Request(url, { method: "POST", headers, body }), { params: Promise.resolve({}) });
}

test("POST /api/inngest – an unsigned request is rejected with 401", async () => {
  const response = await call();
  expect(response.status).toBe(401);
});

test("POST /api/inngest – a request signed with another key is rejected with 401", async () => {
  const forged = sign(body, "signkey-prod-ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
  expect((await call(forged)).status).toBe(401);
});

test("POST /api/inngest – a tampered body with a valid signature of the original is rejected", async () => {
  const signature = sign(body, SIGNING_KEY);
  const tampered = body.replace('"totalTasks":1', '"totalTasks":2');
  const url = "http://localhost:3000/api/inngest?fnId=glaze-process-enrichment-job&stepId=step";
  const response = await POST(
    new Request(url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-inngest-signature": signature },
      body: tampered,
    }),
    { params: Promise.resolve({}) },
  );
  expect(response.status).toBe(401);
});

test("POST /api/inngest – a correctly signed but stale request is rejected with 401", async () => {
  const stale = sign(body, SIGNING_KEY, Math.floor(Date.now() / 1000) - 3600);
  expect((await call(stale)).status).toBe(401);
});

test("POST /api/inngest – a correctly signed request is executed", async () => {
  const response = await call(sign(body, SIGNING_KEY));
  // The function ran: its first step returned (no such job), so the SDK answers 206 with
  // the step's result, signed for the server to verify.
  expect(response.status).toBe(206);
  expect(response.headers.get("x-inngest-signature")).toMatch(/^t=\d+&s=[0-9a-f]{64}$/);
  const ops = await response.json();
  expect(ops[0]).toMatchObject({ op: "StepRun", data: { runnable: false, status: "missing" } });
});

test("PUT /api/inngest – a sync cannot be triggered to a foreign URL without a valid signature", async () => {
  const response = await PUT(new Request("http://localhost:3000/api/inngest", { method: "PUT" }), {
    params: Promise.resolve({}),
  });
  // In cloud mode the SDK registers with INNGEST_BASE_URL, which refuses connections here.
  expect(response.status).toBeGreaterThanOrEqual(400);
});
