// npm run bench – starts its own stack (embedded Postgres on its own port and data dir,
// the built-in Inngest dev server, a production build of the app) and prints every figure.
// BENCH_SKIP_BUILD=1 reuses an existing .next build; BENCH_ONLY=engine|pipeline|creation|dev|waterfall|costs|auth|hardening|realtime|views|grid|bigcsv|rows|storage
// picks one; BENCH_APP_PORT, BENCH_INNGEST_PORT, BENCH_WORKER_PORT, BENCH_PG_PORT move the stack off its default ports.
import { disconnectDb } from "../lib/db";
import { startStack } from "../scripts/stack";
import { benchAuth } from "./auth.bench";
import { benchBigCsv } from "./bigcsv.bench";
import { benchCosts } from "./costs.bench";
import { benchCreation } from "./creation.bench";
import { benchDev } from "./dev.bench";
import { benchEngine } from "./engine.bench";
import { benchGrid, printGridBench } from "./grid.bench";
import { benchHardening } from "./hardening.bench";
import { benchPipeline } from "./pipeline.bench";
import { benchRealtime } from "./realtime.bench";
import { benchRows } from "./rows.bench";
import { benchStorage } from "./storage.bench";
import { benchViews } from "./views.bench";
import { benchWaterfall } from "./waterfall.bench";

const only = process.env.BENCH_ONLY;
const log = (line: string) => console.log(line);

process.env.GLAZE_DB_POOL_SIZE = process.env.GLAZE_DB_POOL_SIZE ?? "40";
// Every bench client calls with the demo account's one key (500 event streams, 200 grids, 50
// pollers): the per-key limit guards against abuse, it is not what these figures measure.
process.env.GLAZE_API_RATE_LIMIT_PER_MINUTE ??= "100000000";
const stack = await startStack({
  appPort: Number(process.env.BENCH_APP_PORT ?? 3200),
  inngestPort: Number(process.env.BENCH_INNGEST_PORT ?? 8300),
  workerPort: Number(process.env.BENCH_WORKER_PORT ?? 8301),
  pgPort: Number(process.env.BENCH_PG_PORT ?? 54379),
  pgDir: ".glaze/bench-postgres",
  database: "glaze_bench",
  build: !process.env.BENCH_SKIP_BUILD,
  providerLatencyMs: 0,
  replicas: { latencyMs: 0 },
  quiet: !process.env.BENCH_VERBOSE,
  log: (line) => console.log(`[bench] ${line}`),
});

// A failure outside the awaited chain (a poller's request) must not leave the stack running.
process.once("unhandledRejection", async (error) => {
  console.error(error);
  await stack.stop();
  process.exit(1);
});

try {
  if (!only || only === "engine") {
    log("\n== cell engine (direct calls, zero provider latency) ==");
    await benchEngine(stack.demo.workspaceId, log);
  }
  if (!only || only === "pipeline") {
    log("\n== API and end to end through the Inngest dev server ==");
    await benchPipeline(stack, log);
  }
  if (!only || only === "creation") {
    log('\n== creating jobs: 100,000 cells ("all" and 10,000 row ids) and 1,000,000 cells ==');
    await benchCreation(stack.appUrl, stack.demo.apiKey, log);
  }
  if (!only || only === "dev") {
    log("\n== npm run dev: a 20,000-cell job through next dev, the dev server and its worker ==");
    await benchDev(stack, log);
  }
  if (!only || only === "waterfall") {
    log("\n== provider waterfalls against the replicas ==");
    await benchWaterfall(stack, log);
  }
  if (!only || only === "costs") {
    log("\n== costs: rate limits against the replicas, the cache, the estimate, budgets ==");
    await benchCosts(stack, log);
  }
  if (!only || only === "auth") {
    log("\n== what authentication costs per request ==");
    await benchAuth(stack, log);
  }
  if (!only || only === "hardening") {
    log("\n== hardening: growing database, 200 open grids, cancelling a big job ==");
    await benchHardening(stack, log);
  }
  if (!only || only === "realtime") {
    log("\n== real time: event streams, two tabs, GET job beside streaming grids ==");
    await benchRealtime(stack, log);
  }
  if (!only || only === "views") {
    log(
      `\n== views: filtered, sorted windows, search and rowFilter jobs on ${process.env.VIEWS_BENCH_ROWS ?? "100,000"} rows ==`,
    );
    await benchViews(stack, log);
  }
  if (!only || only === "grid") {
    log("\n== browser grid: 100,000 rows in Chromium ==");
    printGridBench(await benchGrid(stack.appUrl, stack.demo, log), log);
  }
  if (!only || only === "bigcsv") {
    log("\n== a million rows: streamed CSV import, the grid, filter and search at 1,000,000 rows ==");
    await benchBigCsv(stack, log);
  }
  if (!only || only === "rows") {
    log("\n== rows: deleting 10,000 rows kept for restoring (undo), and restoring them ==");
    await benchRows(stack.demo.workspaceId, log);
  }
  if (!only || only === "storage") {
    // Last: its retention pass compacts every ended job of the bench database.
    log("\n== storage: bytes per cell and task, re-runs and retention, autovacuum on the hot tables ==");
    await benchStorage(stack.demo.workspaceId, log);
  }
} catch (error) {
  // Before the stack stops, which may take a while.
  console.error(error);
  process.exitCode = 1;
} finally {
  await disconnectDb();
  await stack.stop();
}
process.exit();
