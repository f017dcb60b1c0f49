// `npm run dev` as a new user meets it: scripts/dev.ts (next dev, the built-in dev server and
// its worker) on the bench stack's database (which already has the demo account, so the
// developer's .glaze/dev-credentials.json is not touched), one warm-up job so next dev has
// compiled its routes, then a 20,000-cell job (2,000 rows × 10 columns) from POST to completed.
import { type ChildProcess, type StdioOptions, spawn } from "node:child_process";
import type { Stack } from "../scripts/stack";
import { client, createTable, fmt, waitForJob } from "./support";

const KEYS = Array.from({ length: 10 }, (_, i) => `col_${i}`);

async function waitFor(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`${url} did not come up within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function benchDev(stack: Stack, log = console.log) {
  const port = Number(process.env.BENCH_DEV_PORT ?? 3202);
  // next dev, talking to its own dev server: not the stack's production settings.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => name !== "INNGEST_DEV" && name !== "NODE_ENV"),
  );
  const env: Record<string, string | undefined> = {
    ...inherited,
    DATABASE_URL: stack.databaseUrl,
    INNGEST_DEV_DATABASE_URL: stack.databaseUrl,
    PORT: String(port),
    GLAZE_INNGEST_PORT: process.env.BENCH_DEV_INNGEST_PORT ?? "8302",
    GLAZE_WORKER_PORT: process.env.BENCH_DEV_WORKER_PORT ?? "8303",
    GLAZE_PROVIDER_LATENCY_MS: "0",
  };
  const quiet = !process.env.BENCH_VERBOSE;
  // node itself (not tsx's CLI, which would stand between): SIGTERM reaches scripts/dev.ts,
  // which stops its dev server, worker and next dev.
  const dev: ChildProcess = spawn(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", "scripts/dev.ts"],
    {
      env: env as NodeJS.ProcessEnv,
      stdio: (quiet ? "ignore" : "inherit") as StdioOptions,
    },
  );
  const exited = new Promise<void>((resolve) => dev.once("exit", () => resolve()));
  const stopDev = () => dev.kill("SIGTERM");
  try {
    const appUrl = `http://localhost:${port}`;
    await waitFor(`${appUrl}/api/health`, 180_000);
    const api = client(appUrl, stack.demo.apiKey);
    const warm = await createTable(api, "bench dev warm-up", KEYS, 10);
    const warmJob = await api.post<{ jobId: string }>(`/api/tables/${warm.tableId}/enrich`, {
      columnIds: warm.columnIds,
      rowIds: "all",
    });
    await waitForJob(api, warm.tableId, warmJob.jobId, 180_000);
    const table = await createTable(api, "bench dev 20k cells", KEYS, 2_000);
    const started = performance.now();
    const job = await api.post<{ jobId: string; totalTasks: number }>(`/api/tables/${table.tableId}/enrich`, {
      columnIds: table.columnIds,
      rowIds: "all",
    });
    const done = await waitForJob(api, table.tableId, job.jobId, 600_000);
    const seconds = (performance.now() - started) / 1000;
    const rate = job.totalTasks / seconds;
    log(
      `npm run dev, ${fmt(job.totalTasks)} cells from POST to ${done.status}: ${fmt(seconds, 1)} s → ${fmt(rate)} cells/s`,
    );
    return { devCellsPerSec: rate };
  } finally {
    stopDev();
    await exited;
  }
}
