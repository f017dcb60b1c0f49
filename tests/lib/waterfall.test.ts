import "../support/no-orchestrator";
import { afterAll, describe, expect, test } from "vitest";
import { NOT_WANTED } from "@/lib/costs/paid-call";
import { writeCostSettings } from "@/lib/costs/settings";
import { getDb } from "@/lib/db";
import { createEnrichmentJob } from "@/lib/enrichment/create-job";
import { runCellBatch } from "@/lib/enrichment/run-batch";
import { finishWaterfallCell, runCellTask, startCell } from "@/lib/enrichment/run-cell";
import { CallRetry, runWaterfallCall } from "@/lib/enrichment/waterfall/calls";
import { callHandedOver } from "@/lib/enrichment/waterfall/handover";
import { endCancelledCells } from "@/lib/enrichment/waterfall/stopped-cells";
import { api } from "../support/api";
import { testAccount } from "../support/auth";
import { withinOneClockMinute } from "../support/clock";
import { jobOf, rowsOf } from "../support/fixtures";
import { EMAIL_RECIPE, jobOver, makeLeads } from "../support/recipes";
import { replicasPerTest } from "../support/replicas";

// The waterfall engine against the provider replicas: order and stop rule, skipped cells,
// reuse of answered calls, rate limits, out-of-credits, the LLM fallback, and batches.

const replicas = replicasPerTest();

function first<T>(items: T[]): T {
  const item = items[0];
  if (item === undefined) throw new Error("expected at least one item");
  return item;
}

const callsOf = async (taskId: string) =>
  getDb().providerCall.findMany({ where: { taskId }, orderBy: [{ createdAt: "asc" }, { attempt: "asc" }] });
const upstream = () => {
  const s = replicas().stats();
  return { hunter: s.hunter.calls, pdl: s.pdl.calls, apollo: s.apollo.calls, llm: s.llm.calls };
};

describe("waterfall order and stop rule", () => {
  test("the first provider whose value meets the threshold wins; later providers are not called", async () => {
    const t = await makeLeads([{ name: "Ada Lovelace", company_domain: "everyone.test" }], {
      email: { ...EMAIL_RECIPE, stopWhen: { minConfidence: 0.3 } },
    });
    const { jobId, taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    const outcome = await runCellTask(taskIds[0] as string);
    expect(outcome.status).toBe("done");
    expect(upstream()).toEqual({ hunter: 1, pdl: 0, apollo: 0, llm: 0 });
    const row = first(await rowsOf(t.tableId));
    expect((row.data as { email: string }).email).toMatch(/@everyone\.test$/);
    const task = await getDb().cellEnrichmentTask.findUniqueOrThrow({ where: { id: taskIds[0] } });
    expect(task.result).toMatchObject({
      provider: "hunter.email-finder",
      ai: false,
      waterfall: EMAIL_RECIPE.providers,
    });
    expect((row.cellStates as Record<string, { p: string }>)[t.columns.email as string]?.p).toBe("hunter.email-finder");
    expect(await jobOf(jobId)).toMatchObject({ status: "completed", doneTasks: 1 });
  });

  test("no value reaches the threshold: every provider is asked and the most confident value wins", async () => {
    const t = await makeLeads([{ name: "Ada Lovelace", company_domain: "everyone.test" }], {
      email: { ...EMAIL_RECIPE, stopWhen: { minConfidence: 1 } },
    });
    const { taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    await runCellTask(taskIds[0] as string);
    expect(upstream()).toEqual({ hunter: 1, pdl: 1, apollo: 1, llm: 0 });
    const calls = await callsOf(taskIds[0] as string);
    expect(calls.map((c) => c.provider)).toEqual(EMAIL_RECIPE.providers);
    const best = Math.max(...calls.map((c) => c.confidence ?? 0));
    const task = await getDb().cellEnrichmentTask.findUniqueOrThrow({ where: { id: taskIds[0] } });
    expect(task.confidence).toBe(best);
  });

  test("a provider that finds nothing passes the cell to the next one", async () => {
    replicas().configure({ hunter: { findRate: 0 }, pdl: { findRate: 1 } });
    const t = await makeLeads([{ name: "Grace Hopper", company_domain: "acme.com" }], {
      email: { ...EMAIL_RECIPE, stopWhen: { minConfidence: 0.1 } },
    });
    const { taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    await runCellTask(taskIds[0] as string);
    const calls = await callsOf(taskIds[0] as string);
    expect(calls.map((c) => [c.provider, c.outcome])).toEqual([
      ["hunter.email-finder", "not_found"],
      ["pdl.person", "found"],
    ]);
    expect(upstream().apollo).toBe(0);
  });

  test("nobody finds the person → failed, saying what each provider answered", async () => {
    const t = await makeLeads([{ name: "Grace Hopper", company_domain: "unknown.test" }]);
    const { jobId, taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    const outcome = await runCellTask(taskIds[0] as string);
    expect(outcome).toMatchObject({ status: "failed", permanent: true });
    expect(outcome.error).toBe(
      "No value found (hunter.email-finder: not found; pdl.person: not found; apollo.people-match: not found)",
    );
    expect(await jobOf(jobId)).toMatchObject({ status: "failed", failedTasks: 1 });
  });
});

describe("skipped cells", () => {
  test("empty required inputs → skipped without any provider call; a row of done and skipped cells is done", async () => {
    const t = await makeLeads(
      [
        { name: "Ada Lovelace", company_domain: null },
        { name: "Ada Lovelace", company_domain: "everyone.test" },
      ],
      { email: EMAIL_RECIPE, title: null },
    );
    const { jobId, taskIds } = await jobOver(t.tableId, [t.columns.email as string, t.columns.title as string]);
    const outcomes = await runCellBatch(taskIds);
    const skipped = outcomes.filter((o) => o.status === "skipped");
    expect(skipped).toHaveLength(1);
    expect(skipped[0]?.error).toBe("missing input: company_domain");
    expect(upstream().hunter).toBe(1);
    expect(await jobOf(jobId)).toMatchObject({ status: "completed", doneTasks: 3, failedTasks: 0, skippedTasks: 1 });
    const rows = await rowsOf(t.tableId);
    expect(rows.map((r) => r.status)).toEqual(["done", "done"]);
    const tasks = await api.get(`/api/tables/${t.tableId}/enrich/jobs/${jobId}/tasks?status=skipped`);
    expect(tasks.body.data).toHaveLength(1);
  });

  test("a job of skipped cells only is completed; a row of skipped and failed cells is failed", async () => {
    const t = await makeLeads([{ name: "", company_domain: "" }], { email: EMAIL_RECIPE, fail_x: null });
    const { jobId, taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    expect((await runCellTask(taskIds[0] as string)).status).toBe("skipped");
    expect(await jobOf(jobId)).toMatchObject({ status: "completed", skippedTasks: 1 });
    const second = await jobOver(t.tableId, [t.columns.fail_x as string]);
    await runCellTask(second.taskIds[0] as string);
    expect((await rowsOf(t.tableId))[0]?.status).toBe("failed");
  });

  test("a provider whose inputs are missing is passed over (recorded), the others still run", async () => {
    const t = await makeLeads([{ name: "Ada Lovelace", company_domain: "everyone.test", linkedin: null }], {
      email: {
        providers: ["http", "hunter.email-finder"],
        inputs: { fullName: "name", domain: "company_domain" },
        http: { url: "http://127.0.0.1:1/{{linkedin}}", valuePath: "email" },
      },
      linkedin: null,
    });
    const { taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    expect((await runCellTask(taskIds[0] as string)).status).toBe("done");
    const calls = await callsOf(taskIds[0] as string);
    expect(calls.map((c) => [c.provider, c.outcome, c.error])).toEqual([
      ["http", "skipped", "missing input: linkedin"],
      ["hunter.email-finder", "found", null],
    ]);
  });
});

describe("calls are made and recorded once", () => {
  test("a replayed call step reuses the recorded answer: one upstream call, one record", async () => {
    const t = await makeLeads([{ name: "Ada Lovelace", company_domain: "everyone.test" }]);
    const { taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    const started = await startCell(taskIds[0] as string);
    if (!("plan" in started)) throw new Error("expected a waterfall");
    const first = await runWaterfallCall(started.plan, "hunter.email-finder", { lastAttempt: false });
    const again = await runWaterfallCall(started.plan, "hunter.email-finder", { lastAttempt: false });
    expect(first.reused).toBe(false);
    expect(again).toEqual({ ...first, reused: true });
    expect(upstream().hunter).toBe(1);
    expect(await callsOf(taskIds[0] as string)).toHaveLength(1);
  });

  test("rate limited: the call throws CallRetry with the provider's wait; the retry reuses the earlier answers", async () => {
    replicas().configure({ pdl: { perMinute: 1, findRate: 1 }, hunter: { findRate: 0 } });
    const t = await makeLeads(
      [
        { name: "Ada Lovelace", company_domain: "acme.com" },
        { name: "Alan Turing", company_domain: "acme.com" },
      ],
      { email: { ...EMAIL_RECIPE, stopWhen: { minConfidence: 0.1 } } },
    );
    const { taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    await withinOneClockMinute();
    await runCellTask(taskIds[0] as string);
    const error = await runCellTask(taskIds[1] as string, 1).catch((e) => e);
    expect(error).toBeInstanceOf(CallRetry);
    expect((error as CallRetry).retryAfterMs).toBeGreaterThan(0);
    replicas().configure({ pdl: { perMinute: 100 } });
    replicas().reset();
    expect((await runCellTask(taskIds[1] as string, 2)).status).toBe("done");
    const calls = await callsOf(taskIds[1] as string);
    expect(calls.map((c) => `${c.provider}#${c.attempt}:${c.outcome}`)).toEqual([
      "hunter.email-finder#1:not_found",
      "pdl.person#1:rate_limited",
      "pdl.person#2:found",
    ]);
    // Hunter was not asked again on the retry (the stats were reset before it).
    expect(upstream()).toMatchObject({ hunter: 0, pdl: 1 });
  });

  test("on the last attempt a rate-limited provider is given up and the waterfall moves on", async () => {
    replicas().configure({ hunter: { perSecond: 1, perMinute: 1 } });
    const t = await makeLeads([
      { name: "Ada Lovelace", company_domain: "everyone.test" },
      { name: "Alan Turing", company_domain: "everyone.test" },
    ]);
    const { taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    await runCellTask(taskIds[0] as string);
    const outcome = await runCellTask(taskIds[1] as string, 3);
    expect(outcome.status).toBe("done");
    const calls = await callsOf(taskIds[1] as string);
    expect(calls[0]).toMatchObject({ provider: "hunter.email-finder", outcome: "rate_limited" });
    expect(calls[1]?.provider).toBe("pdl.person");
  });
});

describe("out of credits", () => {
  test("the provider is skipped for the rest of the job and the workspace is told", async () => {
    replicas().configure({ hunter: { credits: 0 } });
    const t = await makeLeads([
      { name: "Ada Lovelace", company_domain: "everyone.test" },
      { name: "Alan Turing", company_domain: "everyone.test" },
    ]);
    const { jobId, taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    await runCellTask(taskIds[0] as string);
    await runCellTask(taskIds[1] as string);
    expect(upstream().hunter).toBe(1);
    const second = await callsOf(taskIds[1] as string);
    expect(second[0]).toMatchObject({
      provider: "hunter.email-finder",
      outcome: "skipped",
      error: "out of credits earlier in this job",
    });
    expect(await getDb().jobProviderBlock.findMany({ where: { jobId } })).toHaveLength(1);
    const providers = await api.get("/api/providers");
    const hunter = providers.body.data.find((p: { id: string }) => p.id === "hunter.email-finder");
    expect(hunter.alert).toMatchObject({ kind: "out_of_credits", jobId });
  });
});

describe("LLM fallback", () => {
  test("it answers from the other providers' answers for the row, and its value is marked AI-synthesised", async () => {
    replicas().configure({ hunter: { findRate: 0 }, pdl: { findRate: 1 } });
    const names = ["Radia Perlman", "Ken Thompson", "Barbara Liskov", "Dennis Ritchie", "Frances Allen"];
    const t = await makeLeads(
      names.map((name) => ({ name, company_domain: "acme.com" })),
      {
        title: { providers: ["pdl.person"], inputs: { fullName: "name", domain: "company_domain" } },
        email: { providers: ["hunter.email-finder", "llm"], inputs: { fullName: "name", domain: "company_domain" } },
      },
    );
    const title = await jobOver(t.tableId, [t.columns.title as string]);
    await runCellBatch(title.taskIds);
    // A row whose PDL record (found for its title) carries a work email.
    const pdlCalls = await getDb().providerCall.findMany({
      where: { taskId: { in: title.taskIds } },
      include: { task: true },
    });
    const withEmail = pdlCalls.find((c) => (c.payload as { work_email?: string } | null)?.work_email);
    if (!withEmail) throw new Error("no PDL record with a work email among the test people");
    const email = await jobOver(t.tableId, [t.columns.email as string], [withEmail.task.rowId]);
    const outcome = await runCellTask(email.taskIds[0] as string);
    expect(outcome.status).toBe("done");
    expect(outcome.value).toBe((withEmail.payload as { work_email: string }).work_email);
    const llmCall = first((await callsOf(email.taskIds[0] as string)).filter((c) => c.provider === "llm"));
    expect((llmCall.evidence as { basis: string[] }).basis).toContain("sources.pdl_person.work_email");
    const task = await getDb().cellEnrichmentTask.findUniqueOrThrow({ where: { id: email.taskIds[0] } });
    expect(task.result).toMatchObject({ provider: "llm", ai: true });
    const [row] = (await rowsOf(t.tableId)).filter((r) => r.id === withEmail.task.rowId);
    expect((row.cellStates as Record<string, { p: string }>)[t.columns.email as string]?.p).toBe("llm");
  });
});

describe("bulk batches", () => {
  test("a batch asks each provider once per cell still looking, records every call, and ends every cell", async () => {
    replicas().configure({ hunter: { perSecond: 1000, perMinute: 100_000 } });
    const people = Array.from({ length: 30 }, (_, i) => ({
      name: `Person Number${i}`,
      company_domain: `co${i % 7}.com`,
    }));
    const t = await makeLeads(people);
    const { jobId, taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    const outcomes = await runCellBatch(taskIds);
    expect(outcomes.every((o) => o.status === "done" || o.status === "failed")).toBe(true);
    const calls = await getDb().providerCall.findMany({ where: { task: { jobId } } });
    const stats = upstream();
    expect(calls.filter((c) => c.provider === "hunter.email-finder")).toHaveLength(30);
    expect(stats.hunter).toBe(30);
    expect(calls.filter((c) => c.provider === "pdl.person")).toHaveLength(stats.pdl);
    expect(calls.filter((c) => c.provider === "apollo.people-match")).toHaveLength(stats.apollo);
    // A cell goes on only while no value has met the threshold.
    const byTask = new Map<string, typeof calls>();
    for (const c of calls) byTask.set(c.taskId, [...(byTask.get(c.taskId) ?? []), c]);
    for (const own of byTask.values()) {
      const order = own.sort(
        (a, b) => EMAIL_RECIPE.providers.indexOf(a.provider) - EMAIL_RECIPE.providers.indexOf(b.provider),
      );
      order.slice(0, -1).forEach((c) => {
        expect(c.outcome === "found" && (c.confidence ?? 0) >= 0.7).toBe(false);
      });
    }
    expect(await jobOf(jobId)).toMatchObject({ doneTasks: outcomes.filter((o) => o.status === "done").length });
  });
});

describe("hand-over: a batch does not wait long for a provider's rate limit", () => {
  // Hunter finds nobody, so every cell goes on to PDL, limited to 11 calls a second (a slot
  // every 100 ms): a batch that may wait 250 ms calls PDL for 3 cells and hands the rest over.
  const HUNTER_THEN_PDL = { providers: ["hunter.email-finder", "pdl.person"], inputs: EMAIL_RECIPE.inputs };
  const setup = async (n: number) => {
    replicas().configure({ hunter: { findRate: 0, perSecond: 1000, perMinute: 100_000 }, pdl: { findRate: 1 } });
    await writeCostSettings((await testAccount()).workspaceId, {
      monthlyCredits: null,
      confirmThreshold: 100,
      prices: {},
      rateLimits: {
        "hunter.email-finder": { limit: 1000, periodSeconds: 1 },
        "pdl.person": { limit: 11, periodSeconds: 1 },
      },
      cacheTtlDays: {},
    });
    const t = await makeLeads(
      Array.from({ length: n }, (_, i) => ({ name: `Handed Person${i}`, company_domain: `handed${i}.com` })),
      { email: HUNTER_THEN_PDL },
    );
    return { t, ...(await jobOver(t.tableId, [t.columns.email as string])) };
  };
  afterAll(async () => {
    const settings = { monthlyCredits: null, confirmThreshold: 100, prices: {}, rateLimits: {}, cacheTtlDays: {} };
    await writeCostSettings((await testAccount()).workspaceId, settings);
  });
  const tasksOf = (ids: string[]) =>
    getDb().cellEnrichmentTask.findMany({ where: { id: { in: ids } }, select: { status: true, attempts: true } });
  const pdlCallsOf = (ids: string[]) =>
    getDb().providerCall.count({ where: { taskId: { in: ids }, provider: "pdl.person" } });

  test("cells past the horizon stay running with no PDL call; the handed-over call and the resumed batch end them, no new attempt, nobody called twice", async () => {
    const { jobId, taskIds } = await setup(8);
    const outcomes = await runCellBatch(taskIds, 1, { horizonMs: 250 });
    const handed = outcomes.filter((o) => o.status === "handover");
    const final = new Set(["done", "failed"]);
    expect(outcomes.filter((o) => final.has(o.status))).toHaveLength(3);
    expect(handed).toHaveLength(5);
    expect(handed.every((o) => o.handover?.provider === "pdl.person")).toBe(true);
    const ids = handed.map((o) => o.taskId);
    expect(await tasksOf(ids)).toEqual(ids.map(() => ({ status: "running", attempts: 1 })));
    expect(await pdlCallsOf(ids)).toBe(0);
    expect(upstream()).toMatchObject({ hunter: 8, pdl: 3 });

    expect(await callHandedOver({ jobId, taskIds: ids, provider: "pdl.person" })).toEqual({ called: 5 });
    // A repeated step (a retry, a replay) calls nobody again.
    expect(await callHandedOver({ jobId, taskIds: ids, provider: "pdl.person" })).toEqual({ called: 0 });
    expect(upstream()).toMatchObject({ hunter: 8, pdl: 8 });

    const resumed = await runCellBatch(ids, 1, { resume: true, horizonMs: 250 });
    expect(resumed.every((o) => final.has(o.status))).toBe(true);
    const ended = await tasksOf(ids);
    expect(ended.every((e) => final.has(e.status) && e.attempts === 1)).toBe(true);
    expect(await pdlCallsOf(taskIds)).toBe(8);
    expect(upstream()).toMatchObject({ hunter: 8, pdl: 8 });
    const job = await jobOf(jobId);
    expect(job).toMatchObject({ status: "completed" });
    expect(job.doneTasks + job.failedTasks).toBe(8);
  });

  test("cells whose job cannot pay for PDL are skipped at once, not handed over to wait for its rate limit", async () => {
    replicas().configure({ hunter: { findRate: 0, perSecond: 1000, perMinute: 100_000 }, pdl: { findRate: 1 } });
    // Hunter free, PDL 1 credit a call at worst, and a job that may spend 0.5.
    await writeCostSettings((await testAccount()).workspaceId, {
      monthlyCredits: null,
      confirmThreshold: 100,
      prices: { "hunter.email-finder": { creditsPerCall: 0, creditsPerFound: 0 } },
      rateLimits: {
        "hunter.email-finder": { limit: 1000, periodSeconds: 1 },
        "pdl.person": { limit: 11, periodSeconds: 1 },
      },
      cacheTtlDays: {},
    });
    const t = await makeLeads(
      Array.from({ length: 8 }, (_, i) => ({ name: `Capped Person${i}`, company_domain: `capped${i}.com` })),
      { email: HUNTER_THEN_PDL },
    );
    const { jobId } = await createEnrichmentJob({
      tableId: t.tableId,
      source: { mode: "grid", columnIds: [t.columns.email as string], rowIds: "all" },
      costs: { maxCredits: 0.5 },
    });
    const taskIds = (
      await getDb().cellEnrichmentTask.findMany({ where: { jobId }, orderBy: { ordinal: "asc" }, select: { id: true } })
    ).map((x) => x.id);
    const outcomes = await runCellBatch(taskIds, 1, { horizonMs: 250 });
    expect(outcomes.filter((o) => o.status === "handover")).toEqual([]);
    const tasks = await getDb().cellEnrichmentTask.findMany({
      where: { jobId },
      select: { status: true, error: true },
    });
    expect(tasks).toEqual(taskIds.map(() => ({ status: "skipped", error: "budget reached" })));
    expect(upstream()).toMatchObject({ hunter: 8, pdl: 0 });
    expect(await jobOf(jobId)).toMatchObject({ status: "completed", budgetReached: true, skippedTasks: 8 });
  });

  test("a handed-over cell whose inputs were edited meanwhile is not called about either: its resumed batch asks from the first provider", async () => {
    const { t, jobId, taskIds } = await setup(6);
    const outcomes = await runCellBatch(taskIds, 1, { horizonMs: 250 });
    const ids = outcomes.filter((o) => o.status === "handover").map((o) => o.taskId);
    expect(ids).toHaveLength(3);
    const edited = ids[0] as string;
    const task = await getDb().cellEnrichmentTask.findUniqueOrThrow({ where: { id: edited } });
    await api.patch(`/api/tables/${t.tableId}/rows/${task.rowId}`, { data: { company_domain: "moved.com" } });
    expect(await callHandedOver({ jobId, taskIds: ids, provider: "pdl.person" })).toEqual({ called: 2 });
    await runCellBatch(ids, 1, { resume: true });
    const calls = await callsOf(edited);
    expect(calls.map((c) => c.provider)).toEqual(["hunter.email-finder", "hunter.email-finder", "pdl.person"]);
    const row = await getDb().row.findUniqueOrThrow({ where: { id: task.rowId } });
    expect((row.data as { email?: string }).email).toMatch(/@moved\.com$/);
  });

  test("cancelling the job ends its handed-over cells; one whose first provider found a value below the threshold keeps it", async () => {
    const { t, jobId, taskIds } = await setup(6);
    const outcomes = await runCellBatch(taskIds, 1, { horizonMs: 250 });
    const ids = outcomes.filter((o) => o.status === "handover").map((o) => o.taskId);
    expect(ids).toHaveLength(3);
    // As if Hunter had found a value for the first of them, below the threshold.
    const kept = ids[0] as string;
    await getDb().providerCall.updateMany({
      where: { taskId: kept, provider: "hunter.email-finder" },
      data: { outcome: "found", value: "kept@handed.com", confidence: 0.4 },
    });
    expect((await api.post(`/api/tables/${t.tableId}/enrich/jobs/${jobId}/cancel`, {})).status).toBe(200);
    expect(await callHandedOver({ jobId, taskIds: ids, provider: "pdl.person" })).toEqual({ called: 0 });
    expect(upstream()).toMatchObject({ pdl: 3 });
    const ended = await getDb().cellEnrichmentTask.findMany({ where: { id: { in: ids } } });
    expect(ended.map((e) => [e.id === kept, e.status, e.error, e.confidence])).toEqual(
      expect.arrayContaining([
        [true, "done", null, 0.4],
        [false, "failed", "cancelled", null],
      ]),
    );
    expect(ended.filter((e) => e.status === "failed")).toHaveLength(2);
    const task = ended.find((e) => e.id === kept);
    const row = await getDb().row.findUniqueOrThrow({ where: { id: task?.rowId ?? "" } });
    expect((row.data as { email?: string }).email).toBe("kept@handed.com");
    // Its history says the cancel ended it before the next providers (it said Hunter's value,
    // below the threshold, met it first).
    const cell = await api.get(`/api/tables/${t.tableId}/rows/${task?.rowId}/cells/${task?.columnId}`);
    const notCalled = cell.body.history[0].notCalled as { reason: string }[];
    expect(notCalled.length).toBeGreaterThan(0);
    expect(new Set(notCalled.map((n) => n.reason))).toEqual(new Set(["the job was cancelled before it"]));
    const job = await jobOf(jobId);
    expect(job).toMatchObject({ status: "cancelled" });
    expect(job.doneTasks + job.failedTasks).toBe(6);
  });

  test("cancelling the job ends its handed-over cells as cancelled, and their provider is not called", async () => {
    const { t, jobId, taskIds } = await setup(6);
    const outcomes = await runCellBatch(taskIds, 1, { horizonMs: 250 });
    const ids = outcomes.filter((o) => o.status === "handover").map((o) => o.taskId);
    expect(ids).toHaveLength(3);
    // Not cancelled: nothing is ended.
    expect(await endCancelledCells(jobId, ids)).toBe(0);
    expect((await api.post(`/api/tables/${t.tableId}/enrich/jobs/${jobId}/cancel`, {})).status).toBe(200);
    expect(await callHandedOver({ jobId, taskIds: ids, provider: "pdl.person" })).toEqual({ called: 0 });
    expect(upstream()).toMatchObject({ pdl: 3 });
    const ended = await getDb().cellEnrichmentTask.findMany({ where: { id: { in: ids } } });
    expect(ended.map((e) => [e.status, e.error])).toEqual(ids.map(() => ["failed", "cancelled"]));
    const job = await jobOf(jobId);
    expect(job).toMatchObject({ status: "cancelled" });
    expect(job.doneTasks + job.failedTasks).toBe(6);
    expect(await getDb().cellEnrichmentTask.count({ where: { jobId, error: "cancelled" } })).toBe(3);
  });
});

describe("a waterfall stops between two providers when its cell no longer wants a value", () => {
  test("the job cancelled: the next provider is not called, the cell ends cancelled", async () => {
    replicas().configure({ hunter: { findRate: 0 } });
    const t = await makeLeads([{ name: "Ada Lovelace", company_domain: "acme.com" }]);
    const { jobId, taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    const started = await startCell(taskIds[0] as string);
    if (!("plan" in started)) throw new Error("expected a waterfall");
    expect((await runWaterfallCall(started.plan, "hunter.email-finder", { lastAttempt: false })).stop).toBe(false);
    expect((await api.post(`/api/tables/${t.tableId}/enrich/jobs/${jobId}/cancel`, {})).status).toBe(200);
    const next = await runWaterfallCall(started.plan, "pdl.person", { lastAttempt: false });
    expect(next).toMatchObject({ outcome: "stopped", stop: true });
    expect(upstream()).toEqual({ hunter: 1, pdl: 0, apollo: 0, llm: 0 });
    expect(await finishWaterfallCell(started.plan)).toMatchObject({
      status: "failed",
      alreadyFinal: true,
      error: "cancelled",
    });
    expect(await jobOf(jobId)).toMatchObject({ status: "cancelled", failedTasks: 1 });
    expect(await callsOf(taskIds[0] as string)).toHaveLength(1);
  });

  test("the job cancelled after a provider found a value below the threshold: the cell keeps it, done, and the next provider is not called", async () => {
    const t = await makeLeads([{ name: "Ada Lovelace", company_domain: "everyone.test" }], {
      email: { ...EMAIL_RECIPE, stopWhen: { minConfidence: 1 } },
    });
    const { jobId, taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    const started = await startCell(taskIds[0] as string);
    if (!("plan" in started)) throw new Error("expected a waterfall");
    const found = await runWaterfallCall(started.plan, "hunter.email-finder", { lastAttempt: false });
    expect(found).toMatchObject({ outcome: "found", stop: false });
    expect((await api.post(`/api/tables/${t.tableId}/enrich/jobs/${jobId}/cancel`, {})).status).toBe(200);
    expect(await runWaterfallCall(started.plan, "pdl.person", { lastAttempt: false })).toMatchObject({
      outcome: "stopped",
      stop: true,
    });
    expect(upstream()).toEqual({ hunter: 1, pdl: 0, apollo: 0, llm: 0 });
    expect(await finishWaterfallCell(started.plan)).toMatchObject({ status: "done", alreadyFinal: true });
    const [call] = await callsOf(taskIds[0] as string);
    const task = await getDb().cellEnrichmentTask.findUniqueOrThrow({ where: { id: taskIds[0] } });
    expect(task).toMatchObject({
      status: "done",
      confidence: call?.confidence,
      result: { provider: "hunter.email-finder" },
    });
    expect((first(await rowsOf(t.tableId)).data as { email: string }).email).toBe(call?.value);
    expect(await jobOf(jobId)).toMatchObject({ status: "cancelled", doneTasks: 1, failedTasks: 0 });
  });

  test("a batch cancelled: calls under way finish, the cells then end cancelled without their next provider", async () => {
    replicas().configure({ hunter: { findRate: 0, latencyMs: 500 } });
    const t = await makeLeads([
      { name: "Ada Lovelace", company_domain: "acme.com" },
      { name: "Alan Turing", company_domain: "acme.com" },
      { name: "Grace Hopper", company_domain: "acme.com" },
    ]);
    const { jobId, taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    const batch = runCellBatch(taskIds);
    for (let i = 0; i < 100; i++) {
      if ((await getDb().cellEnrichmentTask.count({ where: { jobId, status: "running" } })) === 3) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await api.post(`/api/tables/${t.tableId}/enrich/jobs/${jobId}/cancel`, {})).status).toBe(200);
    const outcomes = await batch;
    expect(outcomes.map((o) => [o.status, o.error])).toEqual(taskIds.map(() => ["failed", "cancelled"]));
    // Calls already sent finish (a call still waiting for Hunter's rate limit is not sent).
    expect(upstream()).toMatchObject({ pdl: 0, apollo: 0, llm: 0 });
    const sent = await getDb().providerCall.count({ where: { taskId: { in: taskIds }, outcome: { not: "skipped" } } });
    expect(sent).toBe(upstream().hunter);
    expect(await jobOf(jobId)).toMatchObject({ status: "cancelled", failedTasks: 3 });
  });

  test("a batch cancelled after its first provider found values below the threshold: the cells keep them", async () => {
    replicas().configure({ hunter: { latencyMs: 500 } });
    const t = await makeLeads(
      [
        { name: "Ada Lovelace", company_domain: "everyone.test" },
        { name: "Alan Turing", company_domain: "everyone.test" },
      ],
      { email: { ...EMAIL_RECIPE, stopWhen: { minConfidence: 1 } } },
    );
    const { jobId, taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    const batch = runCellBatch(taskIds);
    for (let i = 0; i < 100; i++) {
      if ((await getDb().cellEnrichmentTask.count({ where: { jobId, status: "running" } })) === 2) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await api.post(`/api/tables/${t.tableId}/enrich/jobs/${jobId}/cancel`, {})).status).toBe(200);
    const outcomes = await batch;
    expect(outcomes.map((o) => o.status)).toEqual(["done", "done"]);
    expect(upstream()).toEqual({ hunter: 2, pdl: 0, apollo: 0, llm: 0 });
    const rows = await rowsOf(t.tableId);
    expect(rows.every((r) => /@everyone\.test$/.test(String((r.data as { email?: string }).email)))).toBe(true);
    expect(await jobOf(jobId)).toMatchObject({ status: "cancelled", doneTasks: 2, failedTasks: 0 });
  });

  test("its row deleted, or its value written by hand: the next provider is not called", async () => {
    replicas().configure({ hunter: { findRate: 0 } });
    const t = await makeLeads([
      { name: "Ada Lovelace", company_domain: "acme.com" },
      { name: "Alan Turing", company_domain: "acme.com" },
    ]);
    const { jobId, taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    const plans = [];
    for (const taskId of taskIds) {
      const started = await startCell(taskId);
      if (!("plan" in started)) throw new Error("expected a waterfall");
      await runWaterfallCall(started.plan, "hunter.email-finder", { lastAttempt: false });
      plans.push(started.plan);
    }
    expect((await api.delete(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`)).status).toBe(204);
    await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[1]}`, { data: { email: "alan@typed.test" } });
    for (const plan of plans) {
      expect(await runWaterfallCall(plan, "pdl.person", { lastAttempt: false })).toMatchObject({
        outcome: "stopped",
        stop: true,
      });
    }
    expect(upstream()).toEqual({ hunter: 2, pdl: 0, apollo: 0, llm: 0 });
    // The deleted row's cell counts as cancelled (README, Rows: it did not fail), the typed one as skipped.
    expect(await jobOf(jobId)).toMatchObject({
      status: "completed",
      doneTasks: 0,
      failedTasks: 1,
      cancelledTasks: 1,
      skippedTasks: 1,
    });
  });
});

describe("a cell whose input changed after it was claimed", () => {
  test("asks no further provider about the old value, and ends failed at once saying what changed", async () => {
    replicas().configure({ hunter: { findRate: 0 } });
    const t = await makeLeads([{ name: "Ada Lovelace", company_domain: "before.test" }]);
    const { jobId, taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    const started = await startCell(first(taskIds));
    if (!("plan" in started)) throw new Error("expected a waterfall");
    await runWaterfallCall(started.plan, "hunter.email-finder", { lastAttempt: false });
    await api.patch(`/api/tables/${t.tableId}/rows/${t.rowIds[0]}`, { data: { company_domain: "after.test" } });
    expect(await runWaterfallCall(started.plan, "pdl.person", { lastAttempt: false })).toMatchObject({
      outcome: "stopped",
      stop: true,
    });
    expect(upstream()).toEqual({ hunter: 1, pdl: 0, apollo: 0, llm: 0 });
    const task = await getDb().cellEnrichmentTask.findUniqueOrThrow({ where: { id: first(taskIds) } });
    expect(task).toMatchObject({ status: "failed", error: "company_domain changed while this cell ran; run it again" });
    expect(await jobOf(jobId)).toMatchObject({ status: "failed", failedTasks: 1 });
  });
});

describe("a call waiting for the rate limit", () => {
  /**
   * Hunter at 1 call per `periodSeconds`, two cells of a job calling it at once: returns once the
   * first call was sent (the other waits for the next slot).
   */
  async function twoCallsForOneSlot(periodSeconds: number, domain: string) {
    await writeCostSettings((await testAccount()).workspaceId, {
      monthlyCredits: null,
      confirmThreshold: 100,
      prices: {},
      rateLimits: { "hunter.email-finder": { limit: 1, periodSeconds } },
      cacheTtlDays: {},
    });
    const t = await makeLeads([
      { name: "Ada Lovelace", company_domain: `${domain}1.test` },
      { name: "Alan Turing", company_domain: `${domain}2.test` },
    ]);
    const { jobId, taskIds } = await jobOver(t.tableId, [t.columns.email as string]);
    const plans = [];
    for (const taskId of taskIds) {
      const started = await startCell(taskId);
      if (!("plan" in started)) throw new Error("expected a waterfall");
      plans.push(started.plan);
    }
    const calls = Promise.all(
      plans.map((plan) => runWaterfallCall(plan, "hunter.email-finder", { lastAttempt: true })),
    );
    for (let i = 0; i < 100 && upstream().hunter < 1; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    return { t, jobId, taskIds, calls };
  }

  afterAll(async () => {
    const settings = { monthlyCredits: null, confirmThreshold: 100, prices: {}, rateLimits: {}, cacheTtlDays: {} };
    await writeCostSettings((await testAccount()).workspaceId, settings);
  });

  test("is not sent when its job is cancelled while it waits: no upstream call, no charge", async () => {
    // One call takes the slot at once; the other waits about 2 s for the next one.
    const { t, jobId, taskIds, calls } = await twoCallsForOneSlot(2, "waiting");
    expect((await api.post(`/api/tables/${t.tableId}/enrich/jobs/${jobId}/cancel`, {})).status).toBe(200);
    const summaries = await calls;
    expect(summaries.filter((s) => s.outcome === "skipped")).toHaveLength(1);
    expect(upstream().hunter).toBe(1);
    const skipped = await getDb().providerCall.findFirstOrThrow({
      where: { taskId: { in: taskIds }, outcome: "skipped" },
    });
    expect(skipped.error).toBe(NOT_WANTED);
    const charges = await getDb().creditCharge.findMany({ where: { taskId: skipped.taskId } });
    expect(charges.reduce((sum, c) => sum + c.credits, 0)).toBe(0);
    const task = await getDb().cellEnrichmentTask.findUniqueOrThrow({ where: { id: skipped.taskId } });
    expect(task).toMatchObject({ status: "failed", error: "cancelled" });
    // Usage counts the call that was sent, not the one that was not.
    const usage = await api.get("/api/usage?groupBy=job");
    expect(usage.body.data.find((r: { key: string }) => r.key === jobId)).toMatchObject({ calls: 1 });
  });

  test("a wait of a minute ends within about a second of the cancel, not when its slot comes", async () => {
    const { t, jobId, taskIds, calls } = await twoCallsForOneSlot(60, "minute");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await api.post(`/api/tables/${t.tableId}/enrich/jobs/${jobId}/cancel`, {})).status).toBe(200);
    // Ended well before the minute's slot: the test's own timeout would end it otherwise.
    const ended = await Promise.race([
      calls,
      new Promise<"still waiting">((resolve) => setTimeout(() => resolve("still waiting"), 10_000)),
    ]);
    if (ended === "still waiting") throw new Error("the waiting call was still waiting 10 s after the cancel");
    expect(upstream().hunter).toBe(1);
    // The waiting call is "skipped" (not sent), or "stopped" if the cancel came before it began to wait.
    const waited = ended.findIndex((summary) => summary.outcome === "skipped" || summary.outcome === "stopped");
    const task = await getDb().cellEnrichmentTask.findUniqueOrThrow({ where: { id: taskIds[waited] } });
    expect(task).toMatchObject({ status: "failed", error: "cancelled" });
  });
});
