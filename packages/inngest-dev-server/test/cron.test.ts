import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { nextSlot } from "../src/cron";
import type { DevServer, RunSummary } from "../src/index";
import { databaseUrl, eventually, startApp, startServer, type TestApp } from "./helpers";

// Cron triggers: runs on schedule with Inngest's timer event, one run per slot even
// across a restart and with two servers on one database. A leading seconds field (this
// server's extension) keeps the tests short.

const EVERY_SECOND = "*/1 * * * * *";
const PARIS_EVERY_2S = "TZ=Europe/Paris */2 * * * * *";

let a: DevServer;
let b: DevServer | undefined;
let app: TestApp;
const received: { cron: string; scheduledAt: string; name: string }[] = [];
const servers: DevServer[] = [];

beforeAll(async () => {
  a = await startServer();
  servers.push(a);
  app = await startApp(a.url, (inngest) => [
    // No steps: one request per run, so any server may drive it (checkpoints go to `a`).
    inngest.createFunction({ id: "ticker", triggers: [{ cron: EVERY_SECOND }] }, async ({ event }) => {
      received.push({ name: event.name, ...(event.data as { cron: string; scheduledAt: string }) });
      return event.data.scheduledAt;
    }),
    inngest.createFunction({ id: "paris", triggers: [{ cron: PARIS_EVERY_2S }] }, async ({ event }) => event.data),
  ]);
  await a.syncApp(app.url);
});

afterAll(async () => {
  for (const s of servers) await s.close();
  await app?.close();
});

async function completed(server: DevServer, fn: string, atLeast: number): Promise<RunSummary[]> {
  return eventually(async () => {
    const runs = (await server.listRuns({ functionId: `dev-server-test-${fn}`, limit: 1000 })).filter(
      (r) => r.status === "completed",
    );
    return runs.length >= atLeast ? runs : undefined;
  }, 20_000);
}

describe("cron triggers", () => {
  test("a cron trigger starts runs on schedule with the inngest/scheduled.timer event", async () => {
    const ticks = await completed(a, "ticker", 3);
    const run = await a.getRun(ticks[0].id);
    expect(run?.eventName).toBe("inngest/scheduled.timer");
    expect(JSON.parse(run?.event ?? "null")).toMatchObject({
      name: "inngest/scheduled.timer",
      data: { cron: EVERY_SECOND, scheduledAt: expect.any(String) },
    });
    // Slots are whole seconds, one apart, and a run never starts before its slot.
    const slots = received.map((r) => Date.parse(r.scheduledAt)).sort((x, y) => x - y);
    expect(slots.every((s) => s % 1000 === 0)).toBe(true);
    expect(new Set(slots).size).toBe(slots.length);
    for (const t of ticks) {
      const slot = Date.parse(JSON.parse(t.output ?? "null"));
      expect(t.startedAt?.getTime() ?? 0).toBeGreaterThanOrEqual(slot);
    }
    // The TZ= prefix is understood, and passed on as written.
    const paris = await completed(a, "paris", 1);
    expect(JSON.parse(paris[0].output ?? "null")).toMatchObject({ cron: PARIS_EVERY_2S });
    expect(Date.parse(JSON.parse(paris[0].output ?? "null").scheduledAt) % 2000).toBe(0);
  });

  test("each slot starts at most one run, across a restart and with two servers on one database", async () => {
    b = await startServer({ checkpointing: false });
    servers.push(b);
    await b.syncApp(app.url); // b schedules the same crons from the same table
    const before = received.length;
    await eventually(() => (received.length >= before + 3 ? true : undefined), 20_000);
    // Restart `a` abruptly: its schedule is in the database, not in the process.
    await a.kill();
    a = await startServer({ port: a.port });
    servers.push(a);
    const mid = received.length;
    await eventually(() => (received.length >= mid + 3 ? true : undefined), 20_000);
    // Runs, not executions: a run in flight when `a` was killed is run again on resume.
    const db = new pg.Client({ connectionString: databaseUrl() });
    await db.connect();
    const { rows } = await db.query<{ slot: string }>(
      `SELECT event->'data'->>'scheduledAt' AS slot FROM inngest_dev.runs WHERE function_id = 'dev-server-test-ticker'`,
    );
    await db.end();
    const slots = rows.map((r) => r.slot);
    expect(slots.length).toBeGreaterThanOrEqual(6);
    expect(new Set(slots).size).toBe(slots.length);
    expect(received.every((r) => r.name === "inngest/scheduled.timer")).toBe(true);
  });

  test("next slots: 5 fields in UTC by default, TZ= prefixes, invalid expressions rejected", () => {
    const from = Date.parse("2026-12-02T10:00:30Z");
    expect(new Date(nextSlot("*/1 * * * *", from) ?? 0).toISOString()).toBe("2026-12-02T10:01:00.000Z");
    expect(new Date(nextSlot("0 9 * * *", from) ?? 0).toISOString()).toBe("2026-12-03T09:00:00.000Z");
    // 09:00 in Paris is 08:00 UTC in winter, 07:00 UTC in summer.
    expect(new Date(nextSlot("TZ=Europe/Paris 0 9 * * *", from) ?? 0).toISOString()).toBe("2026-12-03T08:00:00.000Z");
    const june = Date.parse("2026-06-02T10:00:00Z");
    expect(new Date(nextSlot("CRON_TZ=Europe/Paris 0 9 * * *", june) ?? 0).toISOString()).toBe(
      "2026-06-03T07:00:00.000Z",
    );
    expect(new Date(nextSlot("5/10 * * * *", from) ?? 0).toISOString()).toBe("2026-12-02T10:05:00.000Z");
    expect(() => nextSlot("not a cron", from)).toThrow();
    expect(() => nextSlot("@daily", from)).toThrow();
  });
});
