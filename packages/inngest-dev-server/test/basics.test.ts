import { NonRetriableError } from "inngest";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DevServer } from "../src/index";
import { sendAndGetRun, startApp, startServer, type TestApp } from "./helpers";

// Sync, events, sequential/parallel steps and every flavour of retry.

// Each case runs twice: with v4 checkpointing (the default: consecutive steps run in one
// request) and without it (one request per step, the classic protocol).
describe.each([
  ["with checkpointing", true],
  ["without checkpointing", false],
])("dev server basics %s", (_label, checkpointing) => {
  let server: DevServer;
  let app: TestApp;
  const calls = { flaky: [] as number[], doomed: 0, nonRetriable: 0, fnLevel: [] as number[] };

  beforeAll(async () => {
    server = await startServer({ checkpointing });
    app = await startApp(server.url, (inngest) => [
      inngest.createFunction({ id: "hello", triggers: [{ event: "test/hello" }] }, async ({ event, step }) => {
        const greeting = await step.run("greet", () => `hello ${event.data.who}`);
        return { greeting };
      }),
      inngest.createFunction({ id: "seq-par", triggers: [{ event: "test/seq-par" }] }, async ({ step }) => {
        const a = await step.run("a", () => 1);
        const b = await step.run("b", () => a + 1);
        const parts = await Promise.all(Array.from({ length: 20 }, (_, i) => step.run(`part-${i}`, () => i * b)));
        const total = await step.run("sum", () => parts.reduce((x, y) => x + y, 0));
        return { a, b, parts, total };
      }),
      inngest.createFunction(
        { id: "flaky", retries: 3, triggers: [{ event: "test/flaky" }] },
        async ({ step, attempt }) => {
          const seen = await step.run("flaky-step", () => {
            calls.flaky.push(attempt);
            if (attempt === 0) throw new Error("first try fails");
            return attempt;
          });
          return { seen };
        },
      ),
      inngest.createFunction({ id: "doomed", retries: 2, triggers: [{ event: "test/doomed" }] }, async ({ step }) => {
        try {
          await step.run("doomed-step", () => {
            calls.doomed++;
            throw new Error("always broken");
          });
          return { caught: null };
        } catch (err) {
          const after = await step.run("after", () => "recovered");
          return { caught: (err as Error).message, after };
        }
      }),
      inngest.createFunction(
        { id: "non-retriable", retries: 3, triggers: [{ event: "test/nr" }] },
        async ({ step }) => {
          await step.run("nr-step", () => {
            calls.nonRetriable++;
            throw new NonRetriableError("do not retry me");
          });
          return "unreachable";
        },
      ),
      inngest.createFunction(
        { id: "fn-level", retries: 2, triggers: [{ event: "test/fn-level" }] },
        async ({ attempt }) => {
          calls.fnLevel.push(attempt);
          if (attempt === 0) throw new Error("outside any step");
          return { attempt };
        },
      ),
    ]);
    await server.syncApp(app.url);
  });

  afterAll(async () => {
    await server?.close();
    await app?.close();
  });

  test("sync registers the app's functions with their step URLs", async () => {
    const res = await fetch(`${server.url}/v1/apps`);
    const { data } = (await res.json()) as { data: { id: string; url: string; functions: { id: string }[] }[] };
    expect(data).toHaveLength(1);
    expect(data[0].id).toBe("dev-server-test");
    expect(data[0].url).toBe(app.url);
    expect(data[0].functions.map((f) => f.id).sort()).toEqual(
      ["doomed", "flaky", "fn-level", "hello", "non-retriable", "seq-par"].map((id) => `dev-server-test-${id}`),
    );
  });

  test("an event starts a run that completes with the function's output", async () => {
    const runId = await sendAndGetRun(server, app.inngest, { name: "test/hello", data: { who: "glaze" } });
    const run = await server.waitForRun(runId);
    expect(run.status).toBe("completed");
    expect(JSON.parse(run.output ?? "null")).toEqual({ greeting: "hello glaze" });
    expect(run.eventName).toBe("test/hello");
    expect(run.steps.map((s) => [s.name, s.status, JSON.parse(s.data ?? "null")])).toEqual([
      ["greet", "completed", "hello glaze"],
    ]);
  });

  test("POST /e/:key accepts a single event and an array", async () => {
    const one = await fetch(`${server.url}/e/some-key`, {
      method: "POST",
      body: JSON.stringify({ name: "test/unrouted", data: { x: 1 } }),
    });
    expect(await one.json()).toMatchObject({ status: 200, ids: [expect.any(String)] });
    const many = await fetch(`${server.url}/e/some-key`, {
      method: "POST",
      body: JSON.stringify([{ name: "test/unrouted" }, { name: "test/unrouted" }]),
    });
    const body = (await many.json()) as { ids: string[] };
    expect(body.ids).toHaveLength(2);
    expect(new Set(body.ids).size).toBe(2);
    const bad = await fetch(`${server.url}/e/some-key`, { method: "POST", body: JSON.stringify({ data: {} }) });
    expect(bad.status).toBe(400);
  });

  test("sequential steps and 20 parallel steps", async () => {
    const runId = await sendAndGetRun(server, app.inngest, { name: "test/seq-par" });
    const run = await server.waitForRun(runId);
    expect(run.status).toBe("completed");
    const output = JSON.parse(run.output ?? "null");
    expect(output.parts).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
    expect(output.total).toBe(380);
    expect(run.steps).toHaveLength(23);
    expect(run.steps.every((s) => s.status === "completed" && s.attempts === 1)).toBe(true);
    // Completion order: a, b, the parallel group in any order, then sum.
    expect(run.steps[0].name).toBe("a");
    expect(run.steps[1].name).toBe("b");
    expect(run.steps[22].name).toBe("sum");
  });

  test("a step that throws once is retried with the next attempt number", async () => {
    const runId = await sendAndGetRun(server, app.inngest, { name: "test/flaky" });
    const run = await server.waitForRun(runId);
    expect(run.status).toBe("completed");
    expect(JSON.parse(run.output ?? "null")).toEqual({ seen: 1 });
    expect(calls.flaky).toEqual([0, 1]);
    expect(run.steps).toMatchObject([{ name: "flaky-step", status: "completed", attempts: 2 }]);
  });

  test("a step failing every attempt is memoized as failed and the function can catch it", async () => {
    const runId = await sendAndGetRun(server, app.inngest, { name: "test/doomed" });
    const run = await server.waitForRun(runId);
    expect(run.status).toBe("completed");
    expect(JSON.parse(run.output ?? "null")).toEqual({ caught: "always broken", after: "recovered" });
    expect(calls.doomed).toBe(3); // retries: 2 → three attempts
    const doomed = run.steps.find((s) => s.name === "doomed-step");
    expect(doomed).toMatchObject({ status: "failed", attempts: 3 });
    expect(JSON.parse(doomed?.error ?? "null")).toMatchObject({ message: "always broken" });
  });

  test("NonRetriableError is not retried and fails the run", async () => {
    const runId = await sendAndGetRun(server, app.inngest, { name: "test/nr" });
    const run = await server.waitForRun(runId);
    expect(run.status).toBe("failed");
    expect(calls.nonRetriable).toBe(1);
    expect(run.steps).toMatchObject([{ name: "nr-step", status: "failed", attempts: 1 }]);
    expect(JSON.parse(run.error ?? "null")).toMatchObject({ message: "do not retry me" });
  });

  test("an error outside any step (HTTP 500) retries the whole function", async () => {
    const runId = await sendAndGetRun(server, app.inngest, { name: "test/fn-level" });
    const run = await server.waitForRun(runId);
    expect(run.status).toBe("completed");
    expect(JSON.parse(run.output ?? "null")).toEqual({ attempt: 1 });
    expect(calls.fnLevel).toEqual([0, 1]);
  });

  test("events with the same id start runs only once", async () => {
    const first = await app.inngest.send({ name: "test/hello", id: `dedupe-${checkpointing}`, data: { who: "once" } });
    const second = await app.inngest.send({
      name: "test/hello",
      id: `dedupe-${checkpointing}`,
      data: { who: "twice" },
    });
    expect(second.ids).toEqual(first.ids);
    expect(await server.runsForEvent(first.ids[0])).toHaveLength(1);
  });
});
