// Wiring of the local provider replicas (packages/provider-replicas) into `npm run dev` and the
// test and benchmark stacks: which providers have no real key, the environment that points the
// adapters at the replicas (GLAZE_*_BASE_URL, the replicas' development keys), and the secret
// key that encrypts stored provider keys in development.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { DEFAULT_KEYS, type Replicas, type ReplicasConfigPatch, startReplicas } from "@glaze/provider-replicas";

export const REPLICATED = ["hunter", "pdl", "apollo", "llm"] as const;
export type Replicated = (typeof REPLICATED)[number];

const VARS: Record<Replicated, { url: string; key: string }> = {
  hunter: { url: "GLAZE_HUNTER_BASE_URL", key: "GLAZE_HUNTER_API_KEY" },
  pdl: { url: "GLAZE_PDL_BASE_URL", key: "GLAZE_PDL_API_KEY" },
  apollo: { url: "GLAZE_APOLLO_BASE_URL", key: "GLAZE_APOLLO_API_KEY" },
  llm: { url: "GLAZE_LLM_BASE_URL", key: "GLAZE_LLM_API_KEY" },
};

/**
 * Providers with no real key configured: neither a key nor a base URL in the environment, nor a
 * key stored by the workspace (`stored`). These are the ones the replicas answer.
 */
export function providersWithoutKeys(env: NodeJS.ProcessEnv, stored: Set<string>): Replicated[] {
  return REPLICATED.filter((p) => !env[VARS[p].key] && !env[VARS[p].url] && !stored.has(p));
}

/** The environment that points `providers` at the replicas, with their development keys. */
export function replicaEnv(replicas: Replicas, providers: readonly Replicated[]): Record<string, string> {
  const env: Record<string, string> = { GLAZE_DEMO_PROVIDERS: providers.join(",") };
  for (const p of providers) {
    env[VARS[p].url] = replicas.urls[p];
    env[VARS[p].key] = DEFAULT_KEYS[p];
  }
  return env;
}

export async function startLocalReplicas(options: {
  port: number;
  latencyMs: number;
  jitterMs?: number;
  config?: ReplicasConfigPatch;
}): Promise<Replicas> {
  const latency = { latencyMs: options.latencyMs, jitterMs: options.jitterMs ?? 0 };
  return startReplicas({
    port: options.port,
    config: {
      ...options.config,
      hunter: { ...latency, ...options.config?.hunter },
      pdl: { ...latency, ...options.config?.pdl },
      apollo: { ...latency, ...options.config?.apollo },
      llm: { ...latency, ...options.config?.llm },
    },
  });
}

/** A fresh random secret key (base64 of 32 bytes). */
export const newSecretKey = () => randomBytes(32).toString("base64");

/**
 * The development secret key: GLAZE_SECRET_KEY if set, else the one in `.glaze/secret-key`,
 * generated (mode 0600) the first time. Losing it makes the stored development keys unreadable.
 */
export async function developmentSecretKey(env: NodeJS.ProcessEnv, dir = ".glaze"): Promise<string> {
  if (env.GLAZE_SECRET_KEY) return env.GLAZE_SECRET_KEY;
  const file = path.join(dir, "secret-key");
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  await mkdir(dir, { recursive: true });
  const key = newSecretKey();
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  return key;
}
