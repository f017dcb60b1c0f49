// npm run worker – the process that executes enrichment: the Inngest functions served over
// node:http on GLAZE_WORKER_HOST:GLAZE_WORKER_PORT (127.0.0.1:8289) at /api/inngest. Point
// Inngest at that URL (sync it in Inngest Cloud, or `-u` of the dev server) instead of the
// app's /api/inngest, and the web tier never executes a step. Run as many as you like.
// SIGTERM/SIGINT: stop accepting, let in-flight steps finish (up to 30 s), then exit; a step
// cut short is retried by Inngest and its cells are counted once (the engine's guards).
import { createWorkerServer } from "../inngest/worker";
import { disconnectDb } from "../lib/db";
import { env } from "../lib/env";

const server = createWorkerServer();
await new Promise<void>((resolve) => server.listen(env.workerPort, env.workerHost, resolve));
const address = server.address();
const port = typeof address === "object" && address ? address.port : env.workerPort;
// Tests and the stacks read this line to learn the port when GLAZE_WORKER_PORT=0.
console.log(`[worker] serving Inngest functions on http://${env.workerHost}:${port}/api/inngest`);

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  server.closeIdleConnections();
  const forced = setTimeout(() => server.closeAllConnections(), 30_000);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  clearTimeout(forced);
  await disconnectDb();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
