import type { DevServer } from "@glaze/inngest-dev-server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { writeCostSettings } from "@/lib/costs/settings";
import { getDb } from "@/lib/db";
import { cellsPerStepFor, TABLE_STEP_CONCURRENCY } from "@/lib/enrichment/policy";
import { startWorkerProcess, stopWorkerProcess, type WorkerProcess } from "@/scripts/worker-process";
import { api } from "../support/api";
import { testAccount } from "../support/auth";
import { startTestDevServer } from "../support/dev-server";
import { makeLeads } from "../support/recipes";
import { startTestReplicas, type TestReplicas } from "../support/replicas";

// The ledger when a worker dies: a paid job runs in a worker process (a real child process,
// calling the provider replicas over HTTP), the worker is killed mid-job and started again.
// Steps that died are replayed; each found email is charged exactly once, and no credits stay
// reserved once the job is done.

let devServer: DevServer;
let worker: WorkerProcess;
let replicas: TestReplicas;
const logs: string[] = [];

async function startWorker(port: number) {
  return startWorkerProcess({
    port,
    env: { ...process.env, INNGEST_DEV: devServer.url },
    log: (line) => logs.push(line),
  });
}

beforeAll(async () => {
  // The replica's own limits are lifted with the workspace's: this test is about crashes, not pacing.
  replicas = await startTestReplicas({
    hunter: { latencyMs: 30, slowMs: 2_500, perSecond: 1_000_000, perMinute: 1_000_000 },
  });
  devServer = await startTestDevServer({ log: (line) => logs.push(line) });
  worker = await startWorker(0);
  await devServer.syncApp(worker.url);
  const { workspaceId } = await testAccount();
  await writeCostSettings(workspaceId, {
    monthlyCredits: null,
    confirmThreshold: 100,
    prices: {},
    rateLimits: { "hunter.email-finder": { limit: 1000, periodSeconds: 1 } },
    cacheTtlDays: {},
  });
});

afterAll(async () => {
  await devServer?.close();
  if (worker) await stopWorkerProcess(worker);
  await replicas?.close();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the ledger across a worker crash", () => {
  test("the worker killed (SIGKILL) mid-job and started again → every found email charged once, nothing left reserved", async () => {
    const rows = 240;
    // Every fifth person's answer takes 2.5 s ("Slow", the replica's edge case): each batch of
    // 25 cells has 20 answers back and 5 still coming when the worker dies.
    const t = await makeLeads(
      Array.from({ length: rows }, (_, i) => ({
        name: i % 5 === 4 ? `Crash${i} Slow` : `Crash Person${i}`,
        company_domain: "everyone.test",
      })),
      { email: { providers: ["hunter.email-finder"], inputs: { fullName: "name", domain: "company_domain" } } },
    );
    const res = await api.post(`/api/tables/${t.tableId}/enrich`, { columnIds: [t.columns.email] });
    expect(res.status).toBe(201);
    const jobId = res.body.jobId as string;
    // The table's four batch steps have sent all their calls; the fast ones have answered.
    const inFlight = TABLE_STEP_CONCURRENCY * cellsPerStepFor(rows);
    while (replicas.stats().hunter.calls < inFlight) await pause(20);
    await pause(800);
    const port = Number(new URL(worker.url).port);
    await stopWorkerProcess(worker, "SIGKILL");
    await pause(1_000);
    worker = await startWorker(port);
    const deadline = Date.now() + 180_000;
    for (;;) {
      const { body } = await api.get(`/api/tables/${t.tableId}/enrich/jobs/${jobId}`);
      if (body.status === "completed" || body.status === "failed") break;
      if (Date.now() > deadline) throw new Error(`job still ${body.status}:\n${logs.slice(-30).join("\n")}`);
      await pause(200);
    }
    const { body: job } = await api.get(`/api/tables/${t.tableId}/enrich/jobs/${jobId}`);
    const notDone = await getDb().cellEnrichmentTask.findMany({ where: { jobId, NOT: { status: "done" } } });
    expect(notDone.map((x) => `${x.status}: ${x.error}`)).toEqual([]);
    expect(job).toMatchObject({ status: "completed", doneTasks: rows, creditsSpent: rows, budgetReached: false });
    const ledger = await getDb().creditCharge.findMany({ where: { jobId } });
    const charged = ledger.filter((l) => l.credits > 0);
    expect(charged).toHaveLength(rows);
    expect(new Set(charged.map((l) => l.taskId)).size).toBe(rows);
    expect(ledger.every((l) => l.state === "settled")).toBe(true);
    const budget = await getDb().creditBudget.findUniqueOrThrow({ where: { key: `job:${jobId}` } });
    expect(budget).toMatchObject({ spent: rows, reserved: 0 });
    // Each answer was recorded as it came, not with its batch: only the calls still waiting for
    // their answer when the worker died (the slow fifth of each batch) were made again. With
    // answers recorded per batch, all 100 calls of the four batches were (the provider billed twice).
    const again = replicas.stats().hunter.calls - rows;
    expect(again).toBeGreaterThanOrEqual(0);
    expect(again).toBeLessThanOrEqual(inFlight / 5);
  }, 240_000);
});
