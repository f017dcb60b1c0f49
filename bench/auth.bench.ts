// What authentication costs per request: GET /api/tables/:tableId/enrich/jobs/:jobId through its
// real route handler (in this process, no HTTP) with an API key and with a session cookie,
// beside the same read without any authentication (the lib call the handler makes).
import { GET } from "../app/api/tables/[tableId]/enrich/jobs/[jobId]/route";
import { disconnectDb } from "../lib/db";
import { getJob } from "../lib/enrichment/jobs";
import type { Stack } from "../scripts/stack";
import { client, createTable, fmt, summarize } from "./support";

async function sample(n: number, fn: () => Promise<unknown>) {
  for (let i = 0; i < 200; i++) await fn(); // warm up (JIT, prepared statements, pools)
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return summarize(times);
}

async function sessionCookie(appUrl: string, email: string, password: string) {
  const response = await fetch(`${appUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: appUrl },
    body: JSON.stringify({ email, password }),
  });
  return response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

export async function benchAuth(stack: Stack, log = console.log) {
  const api = client(stack.appUrl, stack.demo.apiKey);
  const { tableId, columnIds } = await createTable(api, "bench auth", ["email"], 10);
  const { jobId } = await api.post<{ jobId: string }>(`/api/tables/${tableId}/enrich`, { columnIds });
  const cookie = await sessionCookie(stack.appUrl, stack.demo.email, stack.demo.password);
  const url = `http://localhost/api/tables/${tableId}/enrich/jobs/${jobId}`;
  const params = { params: Promise.resolve({ tableId, jobId }) };
  const call = (headers: Record<string, string>) => GET(new Request(url, { headers }), params);
  const n = 2_000;
  const bare = await sample(n, async () => JSON.stringify(await getJob({ tableId, jobId })));
  const key = await sample(n, () => call({ authorization: `Bearer ${stack.demo.apiKey}` }));
  const session = await sample(n, () => call({ cookie }));
  log(`GET job, ${fmt(n)} calls each, in process (no HTTP):`);
  log(`  no authentication (the handler's own read): p50 ${fmt(bare.p50, 2)} ms, p99 ${fmt(bare.p99, 2)} ms`);
  log(`  with an API key: p50 ${fmt(key.p50, 2)} ms (+${fmt(key.p50 - bare.p50, 2)}), p99 ${fmt(key.p99, 2)} ms`);
  log(
    `  with a session cookie: p50 ${fmt(session.p50, 2)} ms (+${fmt(session.p50 - bare.p50, 2)}), p99 ${fmt(session.p99, 2)} ms`,
  );
  await disconnectDb();
}
