import { afterAll, expect, test } from "vitest";
import type { DevServer } from "../src/index";
import { eventually, gate, sendAndGetRun, startApp, startServer, type TestApp } from "./helpers";

// Kill the server mid-run (in-flight request dropped, nothing flushed), start a new one
// on the same database: every unfinished run resumes from its memoized steps.

let app: TestApp | undefined;
let server: DevServer | undefined;

afterAll(async () => {
  await server?.close();
  await app?.close();
});

test("a killed server's runs resume on restart without re-running memoized steps", async () => {
  const logs: string[] = [];
  // Real (unscaled) backoff, so the retrying run is still waiting when the server dies.
  const first = await startServer({ backoffScale: 1 }, logs);
  server = first;
  const executions = new Map<string, number>();
  const count = (name: string) => executions.set(name, (executions.get(name) ?? 0) + 1);
  const hold = gate();
  const holding = gate();
  const attemptsSeen: number[] = [];

  app = await startApp(first.url, (inngest) => [
    inngest.createFunction({ id: "durable", triggers: [{ event: "test/durable" }] }, async ({ step }) => {
      const a = await step.run("a", () => {
        count("a");
        return 1;
      });
      const parts = await Promise.all(
        [0, 1, 2].map((i) =>
          step.run(`part-${i}`, () => {
            count(`part-${i}`);
            return i;
          }),
        ),
      );
      const b = await step.run("b", async () => {
        count("b");
        holding.open();
        await hold.promise;
        return 2;
      });
      await step.sleep("nap", "1s");
      const c = await step.run("c", () => {
        count("c");
        return 3;
      });
      return { a, parts, b, c };
    }),
    inngest.createFunction({ id: "sleepy", triggers: [{ event: "test/sleepy" }] }, async ({ step }) => {
      const x = await step.run("x", () => {
        count("x");
        return "x";
      });
      await step.sleep("zz", "2s");
      const y = await step.run("y", () => {
        count("y");
        return "y";
      });
      return x + y;
    }),
    inngest.createFunction(
      { id: "retrier", retries: 4, triggers: [{ event: "test/retrier" }] },
      async ({ step, attempt }) => {
        return step.run("r", () => {
          attemptsSeen.push(attempt);
          if (attempt < 2) throw new Error(`attempt ${attempt} fails`);
          return attempt;
        });
      },
    ),
  ]);
  await first.syncApp(app.url);

  const durableId = await sendAndGetRun(first, app.inngest, { name: "test/durable" });
  const sleepyId = await sendAndGetRun(first, app.inngest, { name: "test/sleepy" });
  const retrierId = await sendAndGetRun(first, app.inngest, { name: "test/retrier" });
  const logged = (runId: string, text: string) => () =>
    logs.some((l) => l.includes(runId) && l.includes(text)) ? true : undefined;
  await holding.promise;
  await eventually(logged(sleepyId, "sleeping until"));
  await eventually(logged(retrierId, "failed (attempt 2/5)"));

  await first.kill();

  const resumedLogs: string[] = [];
  const second = await startServer({ port: first.port }, resumedLogs);
  server = second;
  hold.open();
  const durable = await second.waitForRun(durableId);
  const sleepy = await second.waitForRun(sleepyId);
  const retrier = await second.waitForRun(retrierId);

  if (process.env.DEBUG_DEV_SERVER) console.log([...logs, "--- restart ---", ...resumedLogs].join("\n"));
  expect(resumedLogs).toContain("resuming 3 unfinished run(s)");
  expect(durable.status).toBe("completed");
  expect(JSON.parse(durable.output ?? "null")).toEqual({ a: 1, parts: [0, 1, 2], b: 2, c: 3 });
  // Memoized before the kill: ran once. "b" was in flight, so it ran again.
  for (const name of ["a", "part-0", "part-1", "part-2", "c", "x", "y"]) expect(executions.get(name), name).toBe(1);
  expect(executions.get("b")).toBe(2);
  expect(durable.steps.map((s) => s.name)).toEqual(expect.arrayContaining(["a", "b", "nap", "c"]));
  expect(sleepy.status).toBe("completed");
  expect(JSON.parse(sleepy.output ?? "null")).toBe("xy");
  // The retry that was pending at the kill continues at attempt 2, not from 0.
  expect(retrier.status).toBe("completed");
  expect(attemptsSeen).toEqual([0, 1, 2]);
  expect(retrier.steps).toMatchObject([{ name: "r", status: "completed", attempts: 3 }]);
});
