// Costs: provider rate limits, the cache, the estimate and budgets, end to end against the
// stack (next start, the built-in Inngest dev server, its worker) and the provider replicas.
//  - a 2,000-cell waterfall (Hunter → PDL) with the replicas limited to Hunter's documented
//    15 requests/s and PDL's 100/minute, and the workspace's limits set to the same: each
//    provider's sustained rate as a share of its limit, and the replicas' 429 count;
//  - a 10,000-cell job whose lookups are all cached: end to end (POST → completed), twice, and
//    the cached-cells step alone (finishCachedCells);
//  - POST /enrich/estimate on 100,000 cells, with an empty cache and with 10,000 cached answers;
//  - budgets: 32 concurrent steps at a job's limit, repeated; credits charged over the limit.

import { monitorEventLoopDelay } from "node:perf_hooks";
import { cacheKeyOf } from "../lib/costs/cache-key";
import { getDb } from "../lib/db";
import { createEnrichmentJob } from "../lib/enrichment/create-job";
import { runCellTask } from "../lib/enrichment/run-cell";
import { finishCachedCells } from "../lib/enrichment/waterfall/cached";
import { REPLICATED, replicaEnv } from "../scripts/provider-replicas";
import type { Stack } from "../scripts/stack";
import { type Api, client, fmt, summarize, waitForJob } from "./support";
import { taskIdsOf } from "./tasks";

type TableDto = { id: string; columns: { id: string; key: string }[] };

async function leads(
  api: Api,
  name: string,
  rows: number,
  providers: string[],
  person: (i: number) => [string, string],
) {
  const table = await api.post<TableDto>("/api/tables", {
    name,
    columns: [
      { key: "name", label: "Name" },
      { key: "company_domain", label: "Company domain" },
      { key: "email", label: "Email", dataType: "email" },
    ],
  });
  const email = table.columns.find((c) => c.key === "email")?.id as string;
  await api.patch(`/api/tables/${table.id}/columns/${email}`, {
    recipe: { providers, inputs: { fullName: "name", domain: "company_domain" }, stopWhen: { minConfidence: 0.5 } },
  });
  for (let from = 0; from < rows; from += 10_000) {
    const n = Math.min(10_000, rows - from);
    await api.post(`/api/tables/${table.id}/rows`, {
      rows: Array.from({ length: n }, (_, k) => {
        const [fullName, domain] = person(from + k);
        return { data: { name: fullName, company_domain: domain } };
      }),
    });
  }
  return { tableId: table.id, email };
}

/**
 * Watches this process's event loop, where the replicas stamp each request's arrival: a stall
 * here bunches arrivals that left the worker well spaced (worth knowing beside a 429).
 */
function watchReplicaClock() {
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  return () => {
    lag.disable();
    return `replicas' event loop (bench process) stalled at most ${fmt(lag.max / 1e6, 0)} ms`;
  };
}

/** The sustained rate of a growing counter: calls per second between 10 % and 90 % of its total. */
function sustainedRate(samples: { t: number; n: number }[]) {
  const total = samples.at(-1)?.n ?? 0;
  const a = samples.find((s) => s.n >= total * 0.1);
  const b = samples.find((s) => s.n >= total * 0.9);
  if (!a || !b || b.t <= a.t) return 0;
  return (b.n - a.n) / ((b.t - a.t) / 1000);
}

export async function benchCosts(stack: Stack, log = console.log) {
  const replicas = stack.replicas;
  if (!replicas) throw new Error("the costs bench needs the stack's provider replicas");
  Object.assign(process.env, replicaEnv(replicas, REPLICATED));
  const api = client(stack.appUrl, stack.demo.apiKey);
  const workspaceId = stack.demo.workspaceId;
  const figures: Record<string, number> = {};
  const tag = Date.now().toString(36);
  const person = (i: number): [string, string] => [`Cached Person${i} ${tag}`, `cached${i % 50}.com`];
  // COSTS_BENCH_PARTS=pace,waterfall,cached,estimate,budget picks parts (all by default); the
  // estimate's "with cached answers" figure uses the answers the cached part seeds.
  const parts = new Set((process.env.COSTS_BENCH_PARTS ?? "pace,waterfall,cached,estimate,budget").split(","));

  if (parts.has("pace")) {
    // 1a. Hunter alone at its documented 15 requests/s: the bucket's own pace.
    replicas.configure({
      hunter: { perSecond: 15, perMinute: 1_000_000, latencyMs: 50, jitterMs: 20, findRate: 0.85 },
    });
    replicas.reset();
    await api.put("/api/workspace/provider-limits", {
      rateLimits: { "hunter.email-finder": { limit: 15, periodSeconds: 1 } },
    });
    {
      const solo = await leads(api, "bench costs hunter alone", 1_000, ["hunter.email-finder"], (i) => [
        `Solo Person${i} ${tag}`,
        `company${i % 97}.com`,
      ]);
      const trace: { t: number; n: number }[] = [];
      const clock = watchReplicaClock();
      const t0 = performance.now();
      const tick = setInterval(() => trace.push({ t: performance.now(), n: replicas.stats().hunter.calls }), 250);
      const j = await api.post<{ jobId: string }>(`/api/tables/${solo.tableId}/enrich`, { columnIds: [solo.email] });
      await waitForJob(api, solo.tableId, j.jobId, 600_000);
      clearInterval(tick);
      const s = replicas.stats().hunter;
      figures.hunterAloneShareOfLimit = sustainedRate(trace) / 15;
      log(
        `1,000-cell Hunter-only job, replica at 15 req/s: ${fmt((performance.now() - t0) / 1000, 1)} s; ${s.calls} calls at ` +
          `${fmt(sustainedRate(trace), 2)}/s sustained = ${fmt(100 * figures.hunterAloneShareOfLimit, 1)} % of 15/s ` +
          `(peak ${s.maxRequestsPerSecond} in a rolling second); upstream 429s: ${s.rateLimited}; ${clock()}`,
      );
    }
  }

  if (parts.has("waterfall")) {
    // 1b. Rate limits. Hunter finds 85 %, so PDL is asked for ~300 cells, more than its 100/min
    // can serve while Hunter runs: both providers have more demand than their limits allow.
    const cells = Number(process.env.COSTS_BENCH_CELLS ?? 2_000);
    replicas.configure({
      hunter: { perSecond: 15, perMinute: 1_000_000, latencyMs: 50, jitterMs: 20, findRate: 0.85 },
      pdl: { perMinute: 100, latencyMs: 50, jitterMs: 20 },
    });
    replicas.reset();
    await api.put("/api/workspace/provider-limits", {
      rateLimits: {
        "hunter.email-finder": { limit: 15, periodSeconds: 1 },
        "pdl.person": { limit: 100, periodSeconds: 60 },
      },
    });
    const limited = await leads(api, "bench costs rate limits", cells, ["hunter.email-finder", "pdl.person"], (i) => [
      `Rate Person${i} ${tag}`,
      `company${i % 97}.com`,
    ]);
    const samples = { hunter: [] as { t: number; n: number }[], pdl: [] as { t: number; n: number }[] };
    const clock = watchReplicaClock();
    const started = performance.now();
    const sampler = setInterval(() => {
      const s = replicas.stats();
      const t = performance.now();
      samples.hunter.push({ t, n: s.hunter.calls });
      samples.pdl.push({ t, n: s.pdl.calls });
    }, 250);
    const job = await api.post<{ jobId: string }>(`/api/tables/${limited.tableId}/enrich`, {
      columnIds: [limited.email],
    });
    const done = await waitForJob(api, limited.tableId, job.jobId, 1_800_000);
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    const stats = replicas.stats();
    figures.hunterShareOfLimit = sustainedRate(samples.hunter) / 15;
    figures.pdlShareOfLimit = (sustainedRate(samples.pdl) * 60) / 100;
    figures.upstream429s = stats.hunter.rateLimited + stats.pdl.rateLimited;
    log(
      `${cells}-cell waterfall Hunter → PDL, replicas at 15 req/s and 100/min: ${fmt(seconds, 1)} s; ` +
        `Hunter ${stats.hunter.calls} calls at ${fmt(sustainedRate(samples.hunter), 2)}/s sustained = ${fmt(100 * figures.hunterShareOfLimit, 1)} % of 15/s ` +
        `(peak ${stats.hunter.maxRequestsPerSecond} in a rolling second); PDL ${stats.pdl.calls} calls at ${fmt(sustainedRate(samples.pdl) * 60, 1)}/min = ` +
        `${fmt(100 * figures.pdlShareOfLimit, 1)} % of 100/min (peak ${stats.pdl.maxRequestsPerMinute} in a rolling minute); ` +
        `upstream 429s: Hunter ${stats.hunter.rateLimited}, PDL ${stats.pdl.rateLimited}; ` +
        `${done.doneTasks} done, ${done.failedTasks} failed; ${clock()}`,
    );
  }

  if (parts.has("cached")) {
    // 2. A 10,000-cell job whose lookups are all cached (answers seeded as a previous run leaves them).
    replicas.configure({ hunter: { perSecond: 1_000_000, latencyMs: 0, jitterMs: 0, findRate: 1 } });
    replicas.reset();
    await api.put("/api/workspace/provider-limits", {
      rateLimits: { "hunter.email-finder": null, "pdl.person": null },
    });
    const seed = async (n: number, prefix: string) => {
      const keys = Array.from({ length: n }, (_, i) => {
        const [fullName, domain] = person(i);
        return cacheKeyOf("hunter.email-finder", "email", { fullName: `${prefix}${fullName}`, domain });
      });
      const answer = JSON.stringify({
        outcome: "found",
        value: "someone@example.com",
        confidence: 0.9,
        rawConfidence: 90,
        source: "Hunter Email Finder",
        httpStatus: 200,
        evidence: null,
        payload: null,
      });
      await getDb().$executeRawUnsafe(
        `INSERT INTO provider_cache (workspace_id, provider, key, state, result, fetched_at, expires_at)
         SELECT $1, 'hunter.email-finder', k, 'ready', $3::jsonb, now(), now() + interval '30 days' FROM unnest($2::text[]) k
         ON CONFLICT DO NOTHING`,
        workspaceId,
        keys,
        answer,
      );
    };
    await seed(10_000, "");
    await seed(10_000, "W ");
    await seed(10_000, "E ");
    // Twice, on two tables: a first job, then another right after it. Run alone
    // (COSTS_BENCH_PARTS=cached), the first is the worker's first job since it started (its code
    // not yet compiled, its connections not yet open); the second finds it warm, as a running
    // deployment is.
    const cachedJob = async (label: string, prefix: string) => {
      const table = await leads(api, `bench costs cached ${label}`, 10_000, ["hunter.email-finder"], (i) => {
        const [fullName, domain] = person(i);
        return [`${prefix}${fullName}`, domain];
      });
      const t0 = performance.now();
      const job = await api.post<{ jobId: string }>(`/api/tables/${table.tableId}/enrich`, {
        columnIds: [table.email],
      });
      const done = await waitForJob(api, table.tableId, job.jobId, 600_000);
      const seconds = (performance.now() - t0) / 1000;
      const spent = (await api.get<{ creditsSpent: number }>(`/api/tables/${table.tableId}/enrich/jobs/${job.jobId}`))
        .creditsSpent;
      log(
        `10,000-cell job, every lookup cached, ${label}, POST → completed: ${fmt(seconds, 2)} s → ${fmt(10_000 / seconds)} cells/s ` +
          `(${done.doneTasks} done; upstream calls ${replicas.stats().hunter.calls}; credits ${spent})`,
      );
      return 10_000 / seconds;
    };
    figures.cachedJobFirstCellsPerSec = await cachedJob("first run", "");
    figures.cachedJobCellsPerSec = await cachedJob("second run", "W ");
    // The cached-cells step alone: the same 10,000 cached cells in chunks of 500, 4 callers.
    const engineTable = await leads(api, "bench costs cached engine", 10_000, ["hunter.email-finder"], (i) => {
      const [fullName, domain] = person(i);
      return [`E ${fullName}`, domain];
    });
    const engineJob = await createEnrichmentJob({
      tableId: engineTable.tableId,
      source: { mode: "grid", columnIds: [engineTable.email], rowIds: "all" },
    });
    const ids = await taskIdsOf(engineJob.jobId);
    const batches: string[][] = [];
    for (let i = 0; i < ids.length; i += 500) batches.push(ids.slice(i, i + 500));
    const t1 = performance.now();
    let next = 0;
    let finished = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < batches.length) {
          const done = await finishCachedCells(batches[next++] as string[]);
          finished += done.length;
        }
      }),
    );
    figures.cachedEngineCellsPerSec = 10_000 / ((performance.now() - t1) / 1000);
    log(
      `the same, the cached-cells step alone (finishCachedCells, 500 per chunk, 4 callers): ${fmt(figures.cachedEngineCellsPerSec)} cells/s (${finished} finished)`,
    );
  }

  if (parts.has("estimate")) {
    // 3. The estimate of 100,000 cells: a three-provider waterfall, then with 10,000 answers cached.
    const big = await leads(
      api,
      "bench costs estimate",
      0,
      ["hunter.email-finder", "pdl.person", "apollo.people-match"],
      person,
    );
    await getDb().$executeRawUnsafe(
      `INSERT INTO rows (table_id, data)
       SELECT $1::uuid, jsonb_build_object('name', 'Cached Person' || (g - 1) || ' ' || $2, 'company_domain', 'cached' || ((g - 1) % 50) || '.com')
         FROM generate_series(1, 100000) g`,
      big.tableId,
      tag,
    );
    await getDb().$executeRawUnsafe("ANALYZE rows");
    const timeEstimate = async () => {
      const times: number[] = [];
      let body: { cells: number; cachedCells: number; credits: { expected: number } } | undefined;
      for (let i = 0; i < 6; i++) {
        const t = performance.now();
        body = await api.post(`/api/tables/${big.tableId}/enrich/estimate`, { columnIds: [big.email] });
        if (i > 0) times.push(performance.now() - t);
      }
      return { ...summarize(times), body };
    };
    const withCache = await timeEstimate();
    await getDb().$executeRawUnsafe("DELETE FROM provider_cache WHERE workspace_id = $1", workspaceId);
    const empty = await timeEstimate();
    figures.estimate100kMsP50 = Math.max(withCache.p50, empty.p50);
    log(
      `POST /enrich/estimate, 100,000 cells × 3 providers: p50 ${fmt(empty.p50)} ms (max ${fmt(empty.max)}) with nothing cached; ` +
        `p50 ${fmt(withCache.p50)} ms (max ${fmt(withCache.max)}) with 20,000 cached answers (${withCache.body?.cachedCells} cells cached)`,
    );
  }

  if (parts.has("budget")) {
    // 4. Budgets: 32 steps racing at a job's limit of 10 credits, 20 times.
    replicas.configure({ hunter: { findRate: 1 } });
    await api.put("/api/workspace/provider-limits", {
      rateLimits: { "hunter.email-finder": { limit: 1_000_000, periodSeconds: 1 } },
    });
    let over = 0;
    let spentTotal = 0;
    const runs = 20;
    const raceStart = performance.now();
    for (let r = 0; r < runs; r++) {
      const t = await leads(api, `bench costs race ${r}`, 32, ["hunter.email-finder"], (i) => [
        `Race${r} Person${i} ${tag}`,
        "everyone.test",
      ]);
      const j = await createEnrichmentJob({
        tableId: t.tableId,
        source: { mode: "grid", columnIds: [t.email], rowIds: "all" },
        costs: { maxCredits: 10 },
      });
      const tasks = await getDb().cellEnrichmentTask.findMany({ where: { jobId: j.jobId }, select: { id: true } });
      await Promise.all(tasks.map((task) => runCellTask(task.id)));
      const charged = await getDb().creditCharge.aggregate({ where: { jobId: j.jobId }, _sum: { credits: true } });
      const s = charged._sum.credits ?? 0;
      spentTotal += s;
      over += Math.max(0, s - 10);
    }
    figures.budgetOverspend = over;
    log(
      `budget race: ${runs} runs × 32 concurrent steps at a 10-credit job limit: ${spentTotal} credits charged in all, ` +
        `${over} over the limit (${fmt((performance.now() - raceStart) / 1000, 1)} s)`,
    );
  }
  return figures;
}
