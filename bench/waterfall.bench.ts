// Provider waterfalls end to end: the app (next start) runs jobs through the built-in Inngest
// dev server, and its adapters call the provider replicas of the stack over HTTP.
//  - a 1,000-cell bulk job on a three-provider waterfall (Hunter → PDL → Apollo) with 100 ms
//    replica latency: cells/s and upstream calls per cell;
//  - the interactive-job overhead per provider call: single-cell jobs whose three calls are
//    three durable steps, wall time minus the calls' own latency.
// The replicas' rate limits are lifted and so are the workspace's (the costs layer paces calls
// to them; bench/costs.bench.ts measures that), and the cache is off for these jobs.
import { getDb } from "../lib/db";
import type { Stack } from "../scripts/stack";
import { type Api, client, fmt, summarize, waitForJob } from "./support";

const WATERFALL = ["hunter.email-finder", "pdl.person", "apollo.people-match"];
const UNLIMITED = { perSecond: 1_000_000, perMinute: 1_000_000 };

type TableDto = { id: string; columns: { id: string; key: string }[] };

async function leadsTable(api: Api, name: string, rows: number, domain: (i: number) => string, minConfidence: number) {
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
    recipe: {
      providers: WATERFALL,
      inputs: { fullName: "name", domain: "company_domain" },
      stopWhen: { minConfidence },
    },
  });
  await api.post(`/api/tables/${table.id}/rows`, {
    rows: Array.from({ length: rows }, (_, i) => ({ data: { name: `Lead Person${i}`, company_domain: domain(i) } })),
  });
  return { tableId: table.id, email };
}

async function enrichColumn(api: Api, tableId: string, columnId: string) {
  const started = performance.now();
  const job = await api.post<{ jobId: string; totalTasks: number }>(`/api/tables/${tableId}/enrich`, {
    columnIds: [columnId],
    rowIds: "all",
  });
  const done = await waitForJob(api, tableId, job.jobId, 900_000);
  return { job, done, seconds: (performance.now() - started) / 1000 };
}

export async function benchWaterfall(stack: Stack, log = console.log) {
  const replicas = stack.replicas;
  if (!replicas) throw new Error("the waterfall bench needs the stack's provider replicas");
  const api = client(stack.appUrl, stack.demo.apiKey);
  const figures: Record<string, number> = {};
  const latency = (ms: number) => ({ latencyMs: ms, jitterMs: 0 });
  // These figures measure the engine, not pacing or the cache (bench/costs.bench.ts does):
  // the workspace's limits follow the lifted replica limits, and nothing is cached.
  const providers = ["hunter.email-finder", "pdl.person", "apollo.people-match"];
  await api.put("/api/workspace/provider-limits", {
    rateLimits: Object.fromEntries(providers.map((p) => [p, { limit: 1_000_000, periodSeconds: 1 }])),
    cacheTtlDays: Object.fromEntries(providers.map((p) => [p, 0])),
  });

  // 1,000 cells, three providers, 100 ms per call.
  replicas.configure({
    hunter: { ...latency(100), ...UNLIMITED },
    pdl: { ...latency(100), perMinute: 1_000_000 },
    apollo: { ...latency(100), perMinute: 1_000_000, perHour: 1_000_000, perDay: 1_000_000 },
  });
  replicas.reset();
  const bulk = await leadsTable(api, "bench waterfall 1k", 1_000, (i) => `company${i % 97}.com`, 0.7);
  const run = await enrichColumn(api, bulk.tableId, bulk.email);
  const stats = replicas.stats();
  const upstream = stats.hunter.calls + stats.pdl.calls + stats.apollo.calls;
  const recorded = await getDb().providerCall.count({
    where: { task: { jobId: run.job.jobId }, NOT: { outcome: "skipped" } },
  });
  figures.waterfall1kCellsPerSec = run.job.totalTasks / run.seconds;
  figures.waterfallCallsPerCell = upstream / run.job.totalTasks;
  log(
    `1,000-cell waterfall (Hunter → PDL → Apollo, 100 ms per call): ${fmt(run.seconds, 1)} s → ${fmt(figures.waterfall1kCellsPerSec, 1)} cells/s; ` +
      `${fmt(figures.waterfallCallsPerCell, 2)} upstream calls per cell (Hunter ${stats.hunter.calls}, PDL ${stats.pdl.calls}, Apollo ${stats.apollo.calls}; ${recorded} recorded); ` +
      `${run.done.doneTasks} done, ${run.done.failedTasks} failed`,
  );

  // Interactive overhead: one cell, all three providers asked (threshold 1 on a domain where
  // everyone is found), at 0 and 100 ms per call.
  for (const ms of [0, 100]) {
    replicas.configure({ hunter: latency(ms), pdl: latency(ms), apollo: latency(ms) });
    const samples: number[] = [];
    const walls: number[] = [];
    for (let i = 0; i < 7; i++) {
      const one = await leadsTable(api, `bench interactive ${ms} ms #${i}`, 1, () => "everyone.test", 1);
      const r = await enrichColumn(api, one.tableId, one.email);
      const calls = await getDb().providerCall.findMany({
        where: { task: { jobId: r.job.jobId } },
        select: { latencyMs: true },
      });
      const inCalls = calls.reduce((sum, c) => sum + c.latencyMs, 0);
      walls.push(r.seconds * 1000);
      samples.push((r.seconds * 1000 - inCalls) / Math.max(1, calls.length));
    }
    const s = summarize(samples);
    const w = summarize(walls);
    figures[`interactiveOverheadPerCallMs_${ms}`] = s.p50;
    log(
      `interactive job, 1 cell × 3 provider steps at ${ms} ms per call: POST → completed p50 ${fmt(w.p50)} ms; overhead per provider call p50 ${fmt(s.p50)} ms (max ${fmt(s.max)} ms)`,
    );
  }
  replicas.configure({ hunter: latency(0), pdl: latency(0), apollo: latency(0) });
  await api.put("/api/workspace/provider-limits", {
    rateLimits: Object.fromEntries(providers.map((p) => [p, null])),
    cacheTtlDays: Object.fromEntries(providers.map((p) => [p, null])),
  });
  return figures;
}
