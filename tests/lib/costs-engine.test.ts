import "../support/no-orchestrator";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { budgetKeysFor, reserve, STALE_RESERVATION_MS, sweepStaleReservations } from "@/lib/costs/ledger";
import { spacingMs } from "@/lib/costs/limits";
import { writeCostSettings } from "@/lib/costs/settings";
import { getDb } from "@/lib/db";
import { createEnrichmentJob } from "@/lib/enrichment/create-job";
import { runCellBatch } from "@/lib/enrichment/run-batch";
import { runCellTask } from "@/lib/enrichment/run-cell";
import { cachedTaskIds, finishCachedCells } from "@/lib/enrichment/waterfall/cached";
import { runWaterfallCall } from "@/lib/enrichment/waterfall/calls";
import { DEFAULT_MIN_CONFIDENCE } from "@/lib/providers/recipe";
import { deleteRows } from "@/lib/rows/rows";
import { testAccount } from "../support/auth";
import { jobOf, pool, taskIdsOf } from "../support/fixtures";
import { makeLeads } from "../support/recipes";
import { startTestReplicas, type TestReplicas } from "../support/replicas";

// The costs layer in the engine, against the provider replicas over HTTP and a real Postgres:
// the ledger charges each call once (replays, a step that died after reserving), budgets hold
// under 32 racing steps, the cache answers for free and single-flights identical lookups, and
// the shared rate limit keeps the replicas from ever answering 429.

let replicas: TestReplicas;
beforeAll(async () => {
  replicas = await startTestReplicas();
});
afterAll(() => replicas.close());
beforeEach(async () => {
  replicas.restore();
  const { workspaceId } = await testAccount();
  await writeCostSettings(workspaceId, {
    monthlyCredits: null,
    confirmThreshold: 100,
    prices: {},
    // The tests run more calls than Hunter's 500/min default in a few seconds.
    rateLimits: { "hunter.email-finder": { limit: 1000, periodSeconds: 1 } },
    cacheTtlDays: {},
  });
  await getDb().$executeRawUnsafe("TRUNCATE provider_cache, credit_ledger, credit_budgets, rate_buckets");
});

const HUNTER_ONLY = { providers: ["hunter.email-finder"], inputs: { fullName: "name", domain: "company_domain" } };
const people = (n: number, domain = "everyone.test", tag = "") =>
  Array.from({ length: n }, (_, i) => ({ name: `Person${tag} Number${i} Tester`, company_domain: domain }));
const ledgerOf = (jobId: string) => getDb().creditCharge.findMany({ where: { jobId } });

async function newJob(tableId: string, columnId: string, costs: { maxCredits?: number; refresh?: boolean } = {}) {
  const job = await createEnrichmentJob({
    tableId,
    source: { mode: "grid", columnIds: [columnId], rowIds: "all" },
    costs,
  });
  return { jobId: job.jobId, taskIds: await taskIdsOf(job.jobId) };
}

describe("the ledger charges each call exactly once", () => {
  test("a found email costs 1 credit: one settled ledger row, the job reports creditsSpent 1", async () => {
    const t = await makeLeads(people(1), { email: HUNTER_ONLY });
    const { jobId, taskIds } = await newJob(t.tableId, t.columns.email as string);
    expect((await runCellTask(taskIds[0] as string)).status).toBe("done");
    const ledger = await ledgerOf(jobId);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({
      provider: "hunter.email-finder",
      attempt: 1,
      state: "settled",
      credits: 1,
      reserved: 1,
    });
    expect(await jobOf(jobId)).toMatchObject({ creditsSpent: 1, budgetReached: false });
  });

  test("replaying the same provider step reuses the recorded call: no second upstream call, no second charge", async () => {
    const t = await makeLeads(people(1), { email: HUNTER_ONLY });
    const { jobId, taskIds } = await newJob(t.tableId, t.columns.email as string);
    await runCellTask(taskIds[0] as string);
    const plan = {
      taskId: taskIds[0] as string,
      jobId,
      tableId: t.tableId,
      rowId: t.rowIds[0] as string,
      workspaceId: (await testAccount()).workspaceId,
      field: "email" as const,
      minConfidence: 0.5,
      providers: [{ id: "hunter.email-finder" }],
      inputs: { fullName: "Person Number0 Tester", domain: "everyone.test" },
      row: {},
    };
    for (let i = 0; i < 3; i++) await runWaterfallCall(plan, "hunter.email-finder", { lastAttempt: false });
    expect(replicas.stats().hunter.calls).toBe(1);
    expect(await ledgerOf(jobId)).toHaveLength(1);
    expect((await jobOf(jobId)).creditsSpent).toBe(1);
  });

  test("a step that died after reserving: its replay reuses the reservation, and the call is charged once", async () => {
    const t = await makeLeads(people(1), { email: HUNTER_ONLY });
    const { jobId, taskIds } = await newJob(t.tableId, t.columns.email as string);
    const { workspaceId } = await testAccount();
    const budgetKeys = await budgetKeysFor({ workspaceId, jobId });
    const task = { taskId: taskIds[0] as string, jobId, tableId: t.tableId, workspaceId };
    // The dead step's reservation: made, never recorded nor settled.
    expect(await reserve({ ...task, provider: "hunter.email-finder", amount: 1, budgetKeys })).toMatchObject({
      granted: true,
      attempt: 1,
    });
    expect((await runCellTask(taskIds[0] as string)).status).toBe("done");
    const ledger = await ledgerOf(jobId);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ attempt: 1, state: "settled", credits: 1 });
    const budgets = await getDb().creditBudget.findMany({ where: { key: { in: budgetKeys } } });
    for (const b of budgets) expect(b).toMatchObject({ reserved: 0, spent: 1 });
  });

  test("a reservation whose step died and was never replayed is given back by the watchdog's sweep", async () => {
    const t = await makeLeads(people(1, "everyone.test", "Sweep"), { email: HUNTER_ONLY });
    const { jobId, taskIds } = await newJob(t.tableId, t.columns.email as string, { maxCredits: 1 });
    const { workspaceId } = await testAccount();
    const budgetKeys = await budgetKeysFor({ workspaceId, jobId });
    const task = { taskId: taskIds[0] as string, jobId, tableId: t.tableId, workspaceId };
    await reserve({ ...task, provider: "hunter.email-finder", amount: 1, budgetKeys });
    // The job's one credit is held: another reservation is refused.
    expect(await reserve({ ...task, provider: "pdl.person", amount: 1, budgetKeys })).toMatchObject({ granted: false });
    await getDb().creditCharge.updateMany({ where: { jobId }, data: { createdAt: new Date(Date.now() - 3_600_000) } });
    await sweepStaleReservations(STALE_RESERVATION_MS);
    const [charge] = await ledgerOf(jobId);
    expect(charge).toMatchObject({ state: "settled", credits: 0, outcome: "abandoned" });
    expect(await getDb().creditBudget.findUniqueOrThrow({ where: { key: `job:${jobId}` } })).toMatchObject({
      reserved: 0,
      spent: 0,
    });
  });

  test("a not-found lookup is not billed: 0 credits, the reservation released", async () => {
    const t = await makeLeads([{ name: "Nobody Atall", company_domain: "unknown.test" }], { email: HUNTER_ONLY });
    const { jobId, taskIds } = await newJob(t.tableId, t.columns.email as string);
    await runCellTask(taskIds[0] as string);
    const ledger = await ledgerOf(jobId);
    expect(ledger.map((l) => [l.outcome, l.credits, l.state])).toEqual([["not_found", 0, "settled"]]);
    expect((await jobOf(jobId)).creditsSpent).toBe(0);
    const month = await getDb().creditBudget.findFirstOrThrow({ where: { key: { startsWith: "month:" } } });
    expect(month.reserved).toBe(0);
  });
});

describe("budgets hold under concurrency", () => {
  test("32 steps racing at a job's limit of 10 credits: exactly 10 charged, 0 over, the rest skipped — 5 runs", async () => {
    for (let run = 0; run < 5; run++) {
      replicas.reset();
      const t = await makeLeads(people(32, "everyone.test", `Run${run}`), { email: HUNTER_ONLY });
      const { jobId, taskIds } = await newJob(t.tableId, t.columns.email as string, { maxCredits: 10 });
      const outcomes = await Promise.all(taskIds.map((id) => runCellTask(id)));
      const spent = (await ledgerOf(jobId)).reduce((sum, l) => sum + l.credits, 0);
      expect(spent).toBe(10);
      expect(outcomes.filter((o) => o.status === "done")).toHaveLength(10);
      const skipped = outcomes.filter((o) => o.status === "skipped");
      expect(skipped).toHaveLength(22);
      for (const o of skipped) expect(o.error).toBe("budget reached");
      expect(replicas.stats().hunter.calls).toBe(10);
      const job = await jobOf(jobId);
      expect(job).toMatchObject({ creditsSpent: 10, budgetReached: true, skippedTasks: 22, status: "completed" });
      const budget = await getDb().creditBudget.findUniqueOrThrow({ where: { key: `job:${jobId}` } });
      expect(budget.spent + budget.reserved).toBeLessThanOrEqual(10);
    }
  });

  test("a monthly budget stops every job of the workspace at its limit, across concurrent jobs", async () => {
    const { workspaceId } = await testAccount();
    await writeCostSettings(workspaceId, {
      monthlyCredits: 7,
      confirmThreshold: 100,
      prices: {},
      rateLimits: { "hunter.email-finder": { limit: 1000, periodSeconds: 1 } },
      cacheTtlDays: {},
    });
    const a = await makeLeads(people(16), { email: HUNTER_ONLY });
    const b = await makeLeads(people(16, "everyone.test", "B"), { email: HUNTER_ONLY });
    const ja = await newJob(a.tableId, a.columns.email as string, { refresh: true });
    const jb = await newJob(b.tableId, b.columns.email as string, { refresh: true });
    await Promise.all([runCellBatch(ja.taskIds), runCellBatch(jb.taskIds)]);
    const month = await getDb().creditBudget.findFirstOrThrow({
      where: { key: { startsWith: `month:${workspaceId}` } },
    });
    expect(month.spent).toBe(7);
    expect(month.reserved).toBe(0);
    expect(replicas.stats().hunter.calls).toBe(7);
  });
});

describe("the cache", () => {
  test("a second job over the same people is answered from the cache: no upstream call, 0 credits, marked cached", async () => {
    const t = await makeLeads(people(5), { email: HUNTER_ONLY });
    const first = await newJob(t.tableId, t.columns.email as string);
    await runCellBatch(first.taskIds);
    expect(replicas.stats().hunter.calls).toBe(5);
    const second = await newJob(t.tableId, t.columns.email as string);
    const outcomes = await runCellBatch(second.taskIds);
    expect(outcomes.every((o) => o.status === "done")).toBe(true);
    expect(replicas.stats().hunter.calls).toBe(5);
    expect((await jobOf(second.jobId)).creditsSpent).toBe(0);
    const calls = await getDb().providerCall.findMany({ where: { taskId: { in: second.taskIds } } });
    expect(calls).toHaveLength(5);
    const original = await getDb().providerCall.findMany({ where: { taskId: { in: first.taskIds } } });
    for (const c of calls) {
      expect(c.cachedAt).not.toBeNull();
      expect(c.credits).toBe(0);
      expect(c.cachedAt?.getTime()).toBeLessThanOrEqual(Math.max(...original.map((o) => o.createdAt.getTime())));
    }
  });

  test("bulk jobs tell the cells the cache answers outright before claiming anything (found and at the threshold only)", async () => {
    const t = await makeLeads(people(6), { email: HUNTER_ONLY });
    const email = t.columns.email as string;
    // Rows 0-3 found and cached (each with Hunter's score); row 4 cached as not found (the
    // waterfall would go on); row 5 never looked up.
    replicas.configure({ hunter: { findRate: 1 } });
    const first = await newJob(t.tableId, email);
    await runCellBatch(first.taskIds.slice(0, 4));
    replicas.configure({ hunter: { findRate: 0 } });
    await runCellBatch(first.taskIds.slice(4, 5));
    const callsBefore = replicas.stats().hunter.calls;
    // Answered outright: a found answer at the recipe's threshold.
    const calls = await getDb().providerCall.findMany({ where: { taskId: { in: first.taskIds } } });
    const atThreshold = first.taskIds.flatMap((taskId, row) =>
      calls.some((c) => c.taskId === taskId && c.outcome === "found" && (c.confidence ?? 0) >= DEFAULT_MIN_CONFIDENCE)
        ? [row]
        : [],
    );
    expect(atThreshold.length).toBeGreaterThan(0);

    const second = await newJob(t.tableId, email);
    const cached = await cachedTaskIds(second.taskIds);
    expect(cached.sort()).toEqual(atThreshold.map((row) => second.taskIds[row]).sort());
    // Nothing was claimed or called to tell.
    const states = await getDb().cellEnrichmentTask.findMany({ where: { jobId: second.jobId } });
    expect(states.every((s) => s.status === "queued" && s.attempts === 0)).toBe(true);
    expect(replicas.stats().hunter.calls).toBe(callsBefore);
    // A job that bypasses the cache has none; those cells then run from the cache, for free.
    expect(await cachedTaskIds((await newJob(t.tableId, email, { refresh: true })).taskIds)).toEqual([]);
    const outcomes = await runCellBatch(cached);
    expect(outcomes.every((o) => o.status === "done")).toBe(true);
    expect(replicas.stats().hunter.calls).toBe(callsBefore);
  });

  test("cells the cache answers outright finish straight from queued: once, as attempt 1, a replay decides from its recorded calls, a cancelled job's stay queued", async () => {
    const t = await makeLeads(people(8), { email: HUNTER_ONLY });
    const email = t.columns.email as string;
    replicas.configure({ hunter: { findRate: 1 } });
    const first = await newJob(t.tableId, email);
    await runCellBatch(first.taskIds);
    const firstCalls = await getDb().providerCall.findMany({ where: { taskId: { in: first.taskIds } } });
    const atThreshold = first.taskIds.flatMap((taskId, row) =>
      firstCalls.some((c) => c.taskId === taskId && (c.confidence ?? 0) >= DEFAULT_MIN_CONFIDENCE) ? [row] : [],
    );
    expect(atThreshold.length).toBeGreaterThan(0);
    const callsBefore = replicas.stats().hunter.calls;

    const second = await newJob(t.tableId, email);
    const expected = atThreshold.map((row) => second.taskIds[row] as string).sort();
    expect((await finishCachedCells(second.taskIds)).sort()).toEqual(expected);
    const tasks = await getDb().cellEnrichmentTask.findMany({ where: { jobId: second.jobId } });
    for (const task of tasks) {
      if (expected.includes(task.id)) {
        expect(task).toMatchObject({ status: "done", attempts: 1 });
        expect(task.startedAt).not.toBeNull();
      } else expect(task).toMatchObject({ status: "queued", attempts: 0 });
    }
    const calls = await getDb().providerCall.findMany({ where: { taskId: { in: second.taskIds } } });
    expect(calls.map((c) => c.taskId).sort()).toEqual(expected);
    for (const c of calls) {
      expect(c).toMatchObject({ attempt: 1, credits: 0, outcome: "found" });
      expect(c.cachedAt).not.toBeNull();
      const task = tasks.find((x) => x.id === c.taskId);
      expect((task?.result as { callId?: string } | undefined)?.callId).toBe(c.id);
    }
    expect((await jobOf(second.jobId)).doneTasks).toBe(expected.length);
    // Again (a replayed step): nothing is queued any more, nothing is recorded or counted twice.
    expect(await finishCachedCells(second.taskIds)).toEqual([]);
    expect(await getDb().providerCall.count({ where: { taskId: { in: second.taskIds } } })).toBe(expected.length);
    // The rest run as a batch; the job ends with every cell counted once.
    await runCellBatch(second.taskIds);
    expect(await jobOf(second.jobId)).toMatchObject({ status: "completed", doneTasks: 8, failedTasks: 0 });

    // A cancelled job's cells are not finished (their calls may be recorded); once running again,
    // the next pass decides from the calls recorded before, without recording any twice.
    const third = await newJob(t.tableId, email);
    await getDb().enrichmentJob.update({ where: { id: third.jobId }, data: { status: "cancelled" } });
    expect(await finishCachedCells(third.taskIds)).toEqual([]);
    expect(await getDb().cellEnrichmentTask.count({ where: { jobId: third.jobId, status: "queued" } })).toBe(8);
    await getDb().enrichmentJob.update({ where: { id: third.jobId }, data: { status: "running" } });
    const thirdExpected = atThreshold.map((row) => third.taskIds[row] as string).sort();
    expect((await finishCachedCells(third.taskIds)).sort()).toEqual(thirdExpected);
    const thirdCalls = await getDb().providerCall.findMany({ where: { taskId: { in: third.taskIds } } });
    expect(thirdCalls.map((c) => c.taskId).sort()).toEqual(thirdExpected);
    expect((await jobOf(third.jobId)).doneTasks).toBe(thirdExpected.length);
    // Every answer came from the cache (the cells below the threshold too, in their batch).
    expect(replicas.stats().hunter.calls).toBe(callsBefore);
  });

  test("inputs that differ only in case, spaces or the domain's scheme share one cache entry", async () => {
    const t = await makeLeads(
      [
        { name: "Ada Lovelace", company_domain: "everyone.test" },
        { name: "  ada LOVELACE ", company_domain: "https://www.Everyone.test/about" },
      ],
      { email: HUNTER_ONLY },
    );
    const { taskIds } = await newJob(t.tableId, t.columns.email as string);
    await runCellTask(taskIds[0] as string);
    await runCellTask(taskIds[1] as string);
    expect(replicas.stats().hunter.calls).toBe(1);
  });

  test("refresh: true bypasses the cache and refreshes it", async () => {
    const t = await makeLeads(people(3), { email: HUNTER_ONLY });
    await runCellBatch((await newJob(t.tableId, t.columns.email as string)).taskIds);
    const refreshed = await newJob(t.tableId, t.columns.email as string, { refresh: true });
    await runCellBatch(refreshed.taskIds);
    expect(replicas.stats().hunter.calls).toBe(6);
    expect((await jobOf(refreshed.jobId)).creditsSpent).toBe(3);
  });

  test("single-flight: 12 identical lookups in flight at once, on separate connections, make one upstream call", async () => {
    replicas.configure({ hunter: { latencyMs: 300 } });
    const tables = await Promise.all(
      Array.from({ length: 12 }, () =>
        makeLeads([{ name: "Grace Hopper", company_domain: "everyone.test" }], { email: HUNTER_ONLY }),
      ),
    );
    const jobs = await Promise.all(tables.map((t) => newJob(t.tableId, t.columns.email as string)));
    const outcomes = await pool(jobs, 12, (j) => runCellTask(j.taskIds[0] as string));
    expect(outcomes.every((o) => o.status === "done")).toBe(true);
    expect(replicas.stats().hunter.calls).toBe(1);
    const spent = await getDb().creditCharge.aggregate({ _sum: { credits: true } });
    expect(spent._sum.credits).toBe(1);
  });

  test("the same person on several rows of one batch: one upstream call and one charge, the other rows answered from it", async () => {
    const rows = Array.from({ length: 12 }, (_, i) => ({
      name: `Person Twin${i % 3} Tester`,
      company_domain: "everyone.test",
    }));
    const t = await makeLeads(rows, { email: HUNTER_ONLY });
    const { jobId, taskIds } = await newJob(t.tableId, t.columns.email as string);
    const results = await runCellBatch(taskIds);
    expect(results.filter((r) => r.status === "done")).toHaveLength(12);
    expect(replicas.stats().hunter.calls).toBe(3);
    expect((await jobOf(jobId)).creditsSpent).toBe(3);
    const calls = await getDb().providerCall.findMany({ where: { taskId: { in: taskIds } } });
    expect(calls).toHaveLength(12);
    expect(calls.filter((c) => c.cachedAt === null)).toHaveLength(3);
    // Twins got the same answer.
    const byName = new Map<string, Set<string>>();
    const data = await getDb().row.findMany({ where: { tableId: t.tableId }, select: { data: true } });
    for (const { data: d } of data as { data: Record<string, string> }[]) {
      byName.set(d.name, (byName.get(d.name) ?? new Set()).add(d.email));
    }
    expect([...byName.values()].map((emails) => emails.size)).toEqual([1, 1, 1]);
  });

  test("the same person on several rows when the job's budget is spent: the rows after the first are skipped 'budget reached' too, nothing more charged", async () => {
    const rows = Array.from({ length: 6 }, (_, i) => ({
      name: `Person Budget${i % 2} Tester`,
      company_domain: "everyone.test",
    }));
    const t = await makeLeads(rows, { email: HUNTER_ONLY });
    const { jobId, taskIds } = await newJob(t.tableId, t.columns.email as string, { maxCredits: 1 });
    const results = await runCellBatch(taskIds);
    expect(replicas.stats().hunter.calls).toBe(1);
    expect((await jobOf(jobId)).creditsSpent).toBe(1);
    expect(results.filter((r) => r.status === "done")).toHaveLength(3);
    expect(results.filter((r) => r.status === "skipped" && r.error === "budget reached")).toHaveLength(3);
  });

  test("rows deleted while a batch's calls are in flight: each call billed upstream is charged once, none is made again, no reservation is left", async () => {
    replicas.configure({ hunter: { latencyMs: 400 } });
    const t = await makeLeads(people(10, "everyone.test", "gone"), { email: HUNTER_ONLY });
    const { jobId, taskIds } = await newJob(t.tableId, t.columns.email as string);
    const batch = runCellBatch(taskIds);
    // The calls are in flight (400 ms each): half of the rows go meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await deleteRows({ tableId: t.tableId, input: { ids: t.rowIds.slice(0, 5) } });
    await batch;
    const upstream = replicas.stats().hunter.calls;
    expect(upstream).toBe(10);
    const ledger = await ledgerOf(jobId);
    expect(ledger.filter((l) => l.state === "reserved")).toEqual([]);
    // Every call the provider billed is charged, each once: the deleted rows' too.
    expect(ledger.length).toBe(10);
    expect(ledger.reduce((sum, l) => sum + l.credits, 0)).toBe(10);
    expect((await jobOf(jobId)).creditsSpent).toBe(10);
    // Running the batch again (a step's retry) calls nobody.
    await runCellBatch(taskIds);
    expect(replicas.stats().hunter.calls).toBe(10);
  });

  test("a claim left by a dead process expires, and the next lookup takes it over", async () => {
    const { workspaceId } = await testAccount();
    const t = await makeLeads([{ name: "Alan Turing", company_domain: "everyone.test" }], { email: HUNTER_ONLY });
    const { cacheKeyOf } = await import("@/lib/costs/cache-key");
    const key = cacheKeyOf("hunter.email-finder", "email", { fullName: "Alan Turing", domain: "everyone.test" });
    await getDb().providerCacheEntry.create({
      data: {
        workspaceId,
        provider: "hunter.email-finder",
        key,
        state: "pending",
        owner: "dead",
        leaseUntil: new Date(Date.now() - 1000),
      },
    });
    const { taskIds } = await newJob(t.tableId, t.columns.email as string);
    expect((await runCellTask(taskIds[0] as string)).status).toBe("done");
    expect(replicas.stats().hunter.calls).toBe(1);
    const entry = await getDb().providerCacheEntry.findFirstOrThrow({ where: { key } });
    expect(entry.state).toBe("ready");
  });
});

describe("rate limits shared through Postgres", () => {
  test("80 cells against a replica limited to 20 requests/s, with the same limit set: 0 upstream 429s, slots spaced for ≥ 90 % of the limit", async () => {
    const { workspaceId } = await testAccount();
    replicas.configure({ hunter: { perSecond: 20, perMinute: 10_000 } });
    await writeCostSettings(workspaceId, {
      monthlyCredits: null,
      confirmThreshold: 100,
      prices: {},
      rateLimits: { "hunter.email-finder": { limit: 20, periodSeconds: 1 } },
      cacheTtlDays: {},
    });
    const t = await makeLeads(people(80), { email: HUNTER_ONLY });
    const { taskIds } = await newJob(t.tableId, t.columns.email as string);
    // Two "workers" batching at once share the one bucket.
    const halves = [taskIds.slice(0, 40), taskIds.slice(40)];
    const results = await Promise.all(halves.map((ids) => runCellBatch(ids)));
    const stats = replicas.stats().hunter;
    expect(stats.rateLimited).toBe(0);
    expect(stats.calls).toBe(80);
    expect(results.flat().every((o) => o.status === "done")).toBe(true);
    expect(stats.maxRequestsPerSecond).toBeLessThanOrEqual(20);
    // The pace the slots allow (18.3/s for 20/s, ≥ 90 %); the pace reached is the bench's figure.
    expect(1000 / spacingMs({ limit: 20, periodSeconds: 1 })).toBeGreaterThanOrEqual(18);
  });
});
