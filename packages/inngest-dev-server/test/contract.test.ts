import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { NonRetriableError } from "inngest";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BUILT_FOR_INNGEST, classify, type Op, OpCode } from "../src/protocol";
import { installedInngestVersion } from "../src/version";
import { startApp, type TestApp } from "./helpers";

// The dev server speaks an undocumented protocol. These tests pin what it relies on, by
// driving the installed SDK directly: if they fail after an `inngest` upgrade, re-read
// the SDK (see PROTOCOL.md in this package) before trusting the dev server.

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");

// Stands in for the server: records what the SDK sends to it.
const received: { path: string; body: unknown }[] = [];
let fake: http.Server;
let fakeUrl: string;
let app: TestApp;
const attemptsSeen: number[] = [];

beforeAll(async () => {
  fake = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString();
      received.push({ path: req.url ?? "", body: text ? JSON.parse(text) : null });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(req.url?.startsWith("/fn/register") ? { status: 200, modified: true } : {}));
    });
  });
  await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
  fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  app = await startApp(fakeUrl, (inngest) => [
    inngest.createFunction(
      { id: "shapes", retries: 2, triggers: [{ event: "test/shapes" }] },
      async ({ step, attempt }) => {
        const a = await step.run("a", () => 1);
        const [b, c] = await Promise.all([
          step.run("b", () => 2),
          step.run("c", () => {
            attemptsSeen.push(attempt);
            throw new Error("c fails");
          }),
        ]);
        return { a, b, c };
      },
    ),
    inngest.createFunction({ id: "throws", retries: 2, triggers: [{ event: "test/throws" }] }, async ({ event }) => {
      if (event.data.final) throw new NonRetriableError("final");
      throw new Error("retriable");
    }),
  ]);
});

afterAll(async () => {
  await app?.close();
  fake?.closeAllConnections();
  await new Promise<void>((resolve) => fake?.close(() => resolve()));
});

async function call(fnId: string, stepId: string, steps: Record<string, unknown>, ctx: Record<string, unknown> = {}) {
  const url = `${app.url}?fnId=dev-server-test-${fnId}&stepId=${stepId}`;
  const event = { name: `test/${fnId}`, data: (ctx.data as object) ?? {} };
  const body = {
    event,
    events: [event],
    steps,
    ctx: {
      run_id: "run-1",
      attempt: 0,
      max_attempts: 3,
      disable_immediate_execution: false,
      use_api: false,
      stack: { stack: Object.keys(steps), current: Object.keys(steps).length },
      ...ctx,
      data: undefined,
    },
    version: 2,
  };
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    headers[k] = v;
  });
  return { status: res.status, headers, body: text, outcome: classify({ status: res.status, headers, body: text }) };
}

const ops = (outcome: ReturnType<typeof classify>): Op[] => (outcome.kind === "ops" ? outcome.ops : []);
const memo = (data: unknown) => ({ type: "data", data });

describe("contract with the installed inngest SDK", () => {
  test(`inngest is exactly ${BUILT_FOR_INNGEST}`, () => {
    expect(BUILT_FOR_INNGEST).toBe("4.24.0");
    expect(installedInngestVersion(), "inngest was upgraded: re-verify the protocol, then bump BUILT_FOR_INNGEST").toBe(
      BUILT_FOR_INNGEST,
    );
  });

  test("sync: PUT makes the SDK POST /fn/register with step URLs and retries", async () => {
    const res = await fetch(app.url, { method: "PUT" });
    expect(res.status).toBe(200);
    const reg = received.find((r) => r.path.startsWith("/fn/register"))?.body as {
      url: string;
      appName: string;
      functions: { id: string; triggers: unknown[]; steps: { step: { runtime: { url: string }; retries: unknown } } }[];
    };
    expect(reg.appName).toBe("dev-server-test");
    expect(reg.url).toBe(app.url);
    const fn = reg.functions.find((f) => f.id === "dev-server-test-shapes");
    expect(fn?.triggers).toEqual([{ event: "test/shapes" }]);
    expect(fn?.steps.step.retries).toEqual({ attempts: 2 });
    expect(new URL(fn?.steps.step.runtime.url ?? "").searchParams.get("fnId")).toBe("dev-server-test-shapes");
    expect(new URL(fn?.steps.step.runtime.url ?? "").searchParams.get("stepId")).toBe("step");
  });

  test("a new step runs immediately: 206 [StepRun] with data and a sha1 step id", async () => {
    const res = await call("shapes", "step", {});
    expect(res.status).toBe(206);
    expect(ops(res.outcome)).toMatchObject([
      { id: sha1("a"), op: OpCode.StepRun, name: "a", displayName: "a", data: 1 },
    ]);
  });

  test("parallel steps come back as StepPlanned, one per step", async () => {
    const res = await call("shapes", "step", { [sha1("a")]: memo(1) });
    expect(ops(res.outcome).map((o) => [o.op, o.id, o.displayName])).toEqual([
      [OpCode.StepPlanned, sha1("b"), "b"],
      [OpCode.StepPlanned, sha1("c"), "c"],
    ]);
  });

  test("a throwing step: StepError while attempts remain, StepFailed on the last one", async () => {
    const first = await call("shapes", sha1("c"), { [sha1("a")]: memo(1) }, { disable_immediate_execution: true });
    expect(first.headers["x-inngest-no-retry"]).toBe("false");
    expect(ops(first.outcome)).toMatchObject([{ id: sha1("c"), op: OpCode.StepError, error: { message: "c fails" } }]);
    const last = await call("shapes", sha1("c"), { [sha1("a")]: memo(1) }, { attempt: 2 });
    expect(ops(last.outcome)).toMatchObject([{ id: sha1("c"), op: OpCode.StepFailed, error: { message: "c fails" } }]);
    expect(attemptsSeen).toEqual([0, 2]);
  });

  test("a memoized error is thrown into the function; completion is 200 with the return value", async () => {
    const steps = { [sha1("a")]: memo(1), [sha1("b")]: memo(2), [sha1("c")]: memo(3) };
    const done = await call("shapes", "step", steps, { disable_immediate_execution: true });
    expect(done.status).toBe(200);
    expect(done.outcome).toEqual({ kind: "complete", data: { a: 1, b: 2, c: 3 } });
    const failed = { ...steps, [sha1("c")]: { type: "error", error: { name: "Error", message: "c fails" } } };
    const res = await call("shapes", "step", failed, { disable_immediate_execution: true, attempt: 2 });
    expect(res.status).toBe(400);
    expect(res.outcome).toMatchObject({ kind: "error", retriable: false, error: { message: "c fails" } });
  });

  test("errors outside steps: 500 + no-retry false, NonRetriableError 400 + no-retry true", async () => {
    const retriable = await call("throws", "step", {});
    expect(retriable.status).toBe(500);
    expect(retriable.headers["x-inngest-no-retry"]).toBe("false");
    expect(retriable.outcome).toMatchObject({ kind: "error", retriable: true, error: { message: "retriable" } });
    const final = await call("throws", "step", {}, { data: { final: true } });
    expect(final.status).toBe(400);
    expect(final.headers["x-inngest-no-retry"]).toBe("true");
    expect(final.outcome).toMatchObject({ kind: "error", retriable: false, error: { name: "NonRetriableError" } });
  });

  test("with ctx.fn_id and qi_id the SDK checkpoints steps to /v1/checkpoint/<run>/async", async () => {
    received.length = 0;
    const res = await call("shapes", "step", {}, { fn_id: "fn-1", qi_id: "qi-1" });
    const checkpoint = received.find((r) => r.path === "/v1/checkpoint/run-1/async")?.body as {
      qi_id: string;
      steps: Op[];
    };
    expect(checkpoint.qi_id).toBe("qi-1");
    expect(checkpoint.steps).toMatchObject([{ id: sha1("a"), op: OpCode.StepRun, data: 1 }]);
    // It carried on in the same request up to the parallel steps.
    expect(ops(res.outcome).map((o) => o.op)).toEqual([OpCode.StepPlanned, OpCode.StepPlanned]);
  });
});
