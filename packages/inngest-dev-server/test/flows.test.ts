import { NonRetriableError } from "inngest";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DevServer } from "../src/index";
import { eventually, sendAndGetRun, startApp, startServer, type TestApp } from "./helpers";

// Server-side step kinds (sleep, invoke, waitForEvent), events sent from steps,
// cancellation, onFailure, wildcards and concurrency keys.

let server: DevServer;
let app: TestApp;
const logs: string[] = [];
const failures: { functionId: string; message: string }[] = [];
const limited = { active: new Map<string, number>(), maxPerKey: 0, overlapSeen: false, done: 0 };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  server = await startServer({}, logs);
  app = await startApp(server.url, (inngest) => {
    const child = inngest.createFunction({ id: "child", triggers: [] }, async ({ event, step }) => {
      return step.run("double", () => (event.data as { n: number }).n * 2);
    });
    const failingChild = inngest.createFunction({ id: "failing-child", retries: 0, triggers: [] }, async () => {
      throw new NonRetriableError("child failed");
    });
    return [
      child,
      failingChild,
      inngest.createFunction({ id: "sleeper", triggers: [{ event: "test/sleep" }] }, async ({ step }) => {
        const before = await step.run("before", () => "b");
        await step.sleep("nap", "1s");
        const after = await step.run("after", () => "a");
        return { before, after };
      }),
      inngest.createFunction({ id: "sender", triggers: [{ event: "test/send" }] }, async ({ event, step }) => {
        await step.sendEvent("fan-out", { name: "test/received", data: { tag: event.data.tag } });
        return "sent";
      }),
      inngest.createFunction({ id: "receiver", triggers: [{ event: "test/received" }] }, async ({ event }) => {
        return { got: event.data.tag };
      }),
      inngest.createFunction({ id: "invoker", triggers: [{ event: "test/invoke" }] }, async ({ step }) => {
        const result = await step.invoke("call-child", { function: child, data: { n: 21 } });
        let error: string | null = null;
        try {
          await step.invoke("call-failing", { function: failingChild, data: {} });
        } catch (err) {
          error = (err as Error).message;
        }
        return { result, error };
      }),
      inngest.createFunction({ id: "fan-invoker", triggers: [{ event: "test/fan-invoke" }] }, async ({ step }) => {
        const parallel = await Promise.all(
          Array.from({ length: 12 }, (_, i) => step.invoke(`child-${i}`, { function: child, data: { n: i } })),
        );
        const sequential: number[] = [];
        for (let i = 0; i < 12; i++) {
          sequential.push(await step.invoke(`next-${i}`, { function: child, data: { n: i } }));
        }
        return { parallel, sequential };
      }),
      inngest.createFunction({ id: "waiter", triggers: [{ event: "test/wait" }] }, async ({ step }) => {
        const approval = await step.waitForEvent("approval", {
          event: "test/approved",
          match: "data.id",
          timeout: "1m",
        });
        return { by: approval?.data.by ?? null };
      }),
      inngest.createFunction({ id: "waiter-timeout", triggers: [{ event: "test/wait-timeout" }] }, async ({ step }) => {
        const never = await step.waitForEvent("never", { event: "test/never", timeout: "1s" });
        return { timedOut: never === null };
      }),
      inngest.createFunction(
        {
          id: "cancellable",
          triggers: [{ event: "test/cancellable" }],
          cancelOn: [{ event: "test/cancel", match: "data.id" }],
        },
        async ({ step }) => {
          await step.sleep("long", "1h");
          return "not cancelled";
        },
      ),
      inngest.createFunction({ id: "wild", triggers: [{ event: "test/wild/*" }] }, async ({ event }) => event.name),
      inngest.createFunction(
        {
          id: "notify",
          retries: 0,
          triggers: [{ event: "test/notify" }],
          onFailure: async ({ event, error }: { event: { data: { function_id: string } }; error: Error }) => {
            failures.push({ functionId: event.data.function_id, message: error.message });
          },
        },
        async () => {
          throw new Error("bad things");
        },
      ),
      inngest.createFunction(
        { id: "limited", concurrency: { limit: 1, key: "event.data.key" }, triggers: [{ event: "test/limited" }] },
        async ({ event, step }) => {
          await step.run("work", async () => {
            const key = event.data.key as string;
            const n = (limited.active.get(key) ?? 0) + 1;
            limited.active.set(key, n);
            limited.maxPerKey = Math.max(limited.maxPerKey, n);
            // Hold the slot until a run with another key is seen executing (or give up).
            const deadline = Date.now() + 5000;
            while (Date.now() < deadline) {
              if ([...limited.active].some(([k, v]) => k !== key && v > 0)) {
                limited.overlapSeen = true;
                break;
              }
              await pause(10);
            }
            await pause(30);
            limited.active.set(key, (limited.active.get(key) ?? 1) - 1);
          });
          limited.done++;
        },
      ),
    ];
  });
  await server.syncApp(app.url);
});

afterAll(async () => {
  await server?.close();
  await app?.close();
});

const output = (run: { output: string | null }) => JSON.parse(run.output ?? "null");

describe("dev server flows", () => {
  test("step.sleep is a durable timer, then the run continues", async () => {
    const run = await server.waitForRun(await sendAndGetRun(server, app.inngest, { name: "test/sleep" }));
    expect(run.status).toBe("completed");
    expect(output(run)).toEqual({ before: "b", after: "a" });
    expect(run.steps.map((s) => [s.name, s.op, s.status])).toEqual([
      ["before", "run", "completed"],
      ["nap", "sleep", "completed"],
      ["after", "run", "completed"],
    ]);
  });

  test("step.sendEvent triggers another function", async () => {
    const run = await server.waitForRun(
      await sendAndGetRun(server, app.inngest, { name: "test/send", data: { tag: "t1" } }),
    );
    expect(run.status).toBe("completed");
    expect(run.steps).toMatchObject([{ name: "fan-out", op: "sendEvent", status: "completed" }]);
    const sentIds = JSON.parse(run.steps[0].data ?? "null").ids as string[];
    const received = await eventually(async () => (await server.runsForEvent(sentIds[0]))[0]);
    const done = await server.waitForRun(received.id);
    expect(done.functionId).toBe("dev-server-test-receiver");
    expect(output(done)).toEqual({ got: "t1" });
  });

  test("step.invoke returns the invoked function's result, or throws its error", async () => {
    const run = await server.waitForRun(await sendAndGetRun(server, app.inngest, { name: "test/invoke" }));
    expect(run.status).toBe("completed");
    expect(output(run)).toEqual({ result: 42, error: "child failed" });
    expect(run.children.map((c) => [c.functionId, c.status])).toEqual([
      ["dev-server-test-child", "completed"],
      ["dev-server-test-failing-child", "failed"],
    ]);
  });

  test("a run invoking 12 children at once, then 12 one after the other, leaves no listener behind (no MaxListenersExceededWarning)", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on("warning", onWarning);
    try {
      const run = await server.waitForRun(await sendAndGetRun(server, app.inngest, { name: "test/fan-invoke" }));
      const doubled = Array.from({ length: 12 }, (_, i) => i * 2);
      expect(output(run)).toEqual({ parallel: doubled, sequential: doubled });
      await pause(50);
      expect(warnings.filter((w) => w.includes("MaxListeners"))).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  });

  test("step.waitForEvent resolves with a matching event", async () => {
    const runId = await sendAndGetRun(server, app.inngest, { name: "test/wait", data: { id: "order-1" } });
    await eventually(() => (logs.some((l) => l.includes(runId) && l.includes("waiting for event")) ? true : undefined));
    await app.inngest.send({ name: "test/approved", data: { id: "order-2", by: "wrong order" } });
    await app.inngest.send({ name: "test/approved", data: { id: "order-1", by: "alice" } });
    const run = await server.waitForRun(runId);
    expect(output(run)).toEqual({ by: "alice" });
  });

  test("step.waitForEvent times out with null", async () => {
    const run = await server.waitForRun(await sendAndGetRun(server, app.inngest, { name: "test/wait-timeout" }));
    expect(output(run)).toEqual({ timedOut: true });
  });

  test("cancelOn cancels a sleeping run", async () => {
    const runId = await sendAndGetRun(server, app.inngest, { name: "test/cancellable", data: { id: "c1" } });
    await eventually(() => (logs.some((l) => l.includes(runId) && l.includes("sleeping until")) ? true : undefined));
    await app.inngest.send({ name: "test/cancel", data: { id: "other" } });
    await app.inngest.send({ name: "test/cancel", data: { id: "c1" } });
    const run = await server.waitForRun(runId);
    expect(run.status).toBe("cancelled");
  });

  test("wildcard triggers match by prefix", async () => {
    const run = await server.waitForRun(await sendAndGetRun(server, app.inngest, { name: "test/wild/thing" }));
    expect(output(run)).toBe("test/wild/thing");
  });

  test("a failed run triggers the function's onFailure handler", async () => {
    const run = await server.waitForRun(await sendAndGetRun(server, app.inngest, { name: "test/notify" }));
    expect(run.status).toBe("failed");
    const handled = await eventually(() => failures[0]);
    expect(handled).toEqual({ functionId: "dev-server-test-notify", message: "bad things" });
  });

  test("a concurrency key limits each key to one execution while different keys overlap", async () => {
    const events = ["a", "a", "a", "b", "b", "b"].map((key) => ({ name: "test/limited", data: { key } }));
    const { ids } = await app.inngest.send(events);
    const runIds = (await Promise.all(ids.map((id) => server.runsForEvent(id)))).flat().map((r) => r.id);
    const runs = await Promise.all(runIds.map((id) => server.waitForRun(id)));
    expect(runs.map((r) => r.status)).toEqual(Array(6).fill("completed"));
    expect(limited.done).toBe(6);
    expect(limited.maxPerKey).toBe(1);
    expect(limited.overlapSeen).toBe(true);
  });
});
