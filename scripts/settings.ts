import { DEFAULT_DIR, DEFAULT_PORT } from "@glaze/database";

// Settings of the developer tooling (npm run dev, db:*, test and bench stacks). The running
// app reads its own configuration through lib/env.ts only.

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a port number, got "${raw}"`);
  return value;
}

export const settings = {
  /** Where the embedded Postgres of `npm run dev` keeps its data (git-ignored). */
  get pgDir() {
    return process.env.GLAZE_PG_DIR || DEFAULT_DIR;
  },
  get pgPort() {
    return int("GLAZE_PG_PORT", DEFAULT_PORT);
  },
  /** Port of the built-in Inngest dev server under `npm run dev`. */
  get inngestPort() {
    return int("GLAZE_INNGEST_PORT", 8288);
  },
  /** Port of the worker process (npm run worker; npm run dev starts one). */
  get workerPort() {
    return int("GLAZE_WORKER_PORT", 8289);
  },
  get appPort() {
    return int("PORT", 3000);
  },
  /** Port of the provider replicas under `npm run dev` (demo mode); a free one if taken. */
  get replicasPort() {
    return int("GLAZE_REPLICAS_PORT", 8400);
  },
};
