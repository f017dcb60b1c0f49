import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DevServer } from "../src/index";
import { databaseUrl, eventually, startApp, startServer, type TestApp } from "./helpers";

// throttle (runs wait to start, none dropped) and rateLimit (runs beyond the limit are
// skipped), as Inngest documents them.

let server: DevServer;
let app: TestApp;
const logs: string[] = [];
/** When each run's first step executed, by event tag. */
const starts = new Map<string, number>();
/** When the server started each run (logged "run <id> <fn>: started"), by run id. */
const started = new Map<string, number>();

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  server = await startServer({
    log: (line) => {
      logs.push(line);
      const m = /^run (\S+) \S+: started$/.exec(line);
      if (m) started.set(m[1], Date.now());
    },
  });
  app = await startApp(server.url, (inngest) => [
    inngest.createFunction(
      { id: "throttled", throttle: { limit: 2, period: "1s" }, triggers: [{ event: "test/throttled" }] },
      async ({ event, step }) => step.run("work", () => event.data.i),
    ),
    inngest.createFunction(
      {
        id: "throttled-by-user",
        throttle: { limit: 1, period: "2s", key: "event.data.user" },
        triggers: [{ event: "test/throttled-by-user" }],
      },
      async ({ event, step }) => {
        await step.run("start", () => starts.set(`${event.data.user}${event.data.i}`, Date.now()) && null);
      },
    ),
    inngest.createFunction(
      { id: "rate-limited", rateLimit: { limit: 1, period: "2s" }, triggers: [{ event: "test/rate-limited" }] },
      async ({ event }) => event.data.i,
    ),
  ]);
  await server.syncApp(app.url);
});

afterAll(async () => {
  await server?.close();
  await app?.close();
});

async function sendAll(events: { name: string; data: Record<string, unknown> }[]): Promise<string[]> {
  const { ids } = await app.inngest.send(events);
  return (await Promise.all(ids.map((id) => server.runsForEvent(id)))).flat().map((r) => r.id);
}

describe("throttle and rateLimit", () => {
  test("throttle 2 per 1s: 10 runs all complete, their starts spread over 4 s, none dropped", async () => {
    const runIds = await sendAll(Array.from({ length: 10 }, (_, i) => ({ name: "test/throttled", data: { i } })));
    expect(runIds).toHaveLength(10);
    // Excess runs wait in status queued.
    await eventually(async () => ((await server.listRuns({ status: "queued" })).length >= 5 ? true : undefined));
    const runs = await Promise.all(runIds.map((id) => server.waitForRun(id)));
    expect(runs.map((r) => r.status)).toEqual(Array(10).fill("completed"));
    expect(runs.map((r) => JSON.parse(r.output ?? "null")).sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    // When the server started each run (the app's first request: its latency varies more).
    const times = runIds.map((id) => started.get(id) as number).sort((a, b) => a - b);
    // A bucket of 2 starts, one more every 500 ms: the 10th cannot start before 4 s. (Only lower
    // bounds: a busy machine can delay a start, never advance it.)
    expect(times[9] - times[0]).toBeGreaterThanOrEqual(3800);
    for (let i = 4; i < 10; i++) expect(times[i] - times[0], `start ${i}`).toBeGreaterThanOrEqual((i - 1) * 500 - 200);
  });

  test("throttle with a key: each key has its own limit (the second key does not wait for the first)", async () => {
    const events = ["a", "b", "a", "b"].map((user, n) => ({
      name: "test/throttled-by-user",
      data: { user, i: n < 2 ? 1 : 2 },
    }));
    const runIds = await sendAll(events);
    const runs = await Promise.all(runIds.map((id) => server.waitForRun(id)));
    expect(runs.map((r) => r.status)).toEqual(Array(4).fill("completed"));
    const at = (k: string) => starts.get(k) as number;
    // Had the keys shared one limit, b1 would have waited 2 s for a1's slot.
    expect(Math.abs(at("b1") - at("a1"))).toBeLessThan(1800);
    expect(at("a2") - at("a1")).toBeGreaterThanOrEqual(1800); // 1 per 2 s within a key
    expect(at("b2") - at("b1")).toBeGreaterThanOrEqual(1800);
  });

  test("rateLimit 1 per 2s: of 5 events only 1 runs, the others are skipped; after the period another runs", async () => {
    const { ids } = await app.inngest.send([0, 1, 2, 3, 4].map((i) => ({ name: "test/rate-limited", data: { i } })));
    const perEvent = await Promise.all(ids.map((id) => server.runsForEvent(id)));
    expect(perEvent.map((runs) => runs.length)).toEqual([1, 0, 0, 0, 0]);
    expect(logs.filter((l) => l.includes("skipped (rateLimit 1/2s)"))).toHaveLength(4);
    expect((await server.waitForRun(perEvent[0][0].id)).status).toBe("completed");
    await pause(2100);
    const [later] = await sendAll([{ name: "test/rate-limited", data: { i: 5 } }]);
    expect(JSON.parse((await server.waitForRun(later)).output ?? "null")).toBe(5);
  });
});

describe("throttled runs across a restart", () => {
  let first: DevServer | undefined;
  let second: DevServer | undefined;
  let restartApp: TestApp | undefined;
  afterAll(async () => {
    await first?.kill();
    await second?.close();
    await restartApp?.close();
  });

  test("runs waiting for their throttle stay queued in Postgres and start after a restart", async () => {
    const ran: number[] = [];
    first = await startServer();
    restartApp = await startApp(
      first.url,
      (inngest) => [
        inngest.createFunction(
          { id: "slow-throttle", throttle: { limit: 1, period: "3s" }, triggers: [{ event: "test/slow-throttle" }] },
          async ({ event, step }) => step.run("work", () => ran.push(event.data.i as number) && null),
        ),
      ],
      { id: "throttle-restart" },
    );
    await first.syncApp(restartApp.url);
    const { ids } = await restartApp.inngest.send([0, 1, 2].map((i) => ({ name: "test/slow-throttle", data: { i } })));
    const runIds = (await Promise.all(ids.map((id) => (first as DevServer).runsForEvent(id)))).flat().map((r) => r.id);
    await eventually(() => (ran.length === 1 ? true : undefined));
    // The step's body ran; its run is recorded completed a round trip later. Kill only then,
    // so the first run has ended and the other two are still waiting for the throttle.
    const server = first;
    await eventually(async () =>
      (await server.listRuns({ status: "completed" })).some((r) => runIds.includes(r.id)) ? true : undefined,
    );
    await first.kill();

    const db = new pg.Client({ connectionString: databaseUrl() });
    await db.connect();
    const { rows } = await db.query<{ status: string }>("SELECT status FROM inngest_dev.runs WHERE id = ANY($1)", [
      runIds,
    ]);
    await db.end();
    expect(rows.map((r) => r.status).sort()).toEqual(["completed", "queued", "queued"]);

    second = await startServer({ port: first.port });
    const runs = await Promise.all(runIds.map((id) => (second as DevServer).waitForRun(id)));
    expect(runs.map((r) => r.status)).toEqual(["completed", "completed", "completed"]);
    expect(ran.sort()).toEqual([0, 1, 2]);
  });
});
