import {
  DEFAULT_KEYS,
  defaultConfig,
  type Replicas,
  type ReplicasConfigPatch,
  startReplicas,
} from "@glaze/provider-replicas";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { getDb } from "@/lib/db";

// The provider replicas (packages/provider-replicas) on a free port, with the adapters pointed
// at them through the same variables a deployment uses: GLAZE_*_BASE_URL and the deployment-
// wide keys GLAZE_*_API_KEY. Tests reconfigure them per case and call restore() between cases.

export type TestReplicas = Replicas & {
  /** Back to the default config (with `base` applied), stats and windows cleared. */
  restore: () => void;
};

const VARS = {
  hunter: ["GLAZE_HUNTER_BASE_URL", "GLAZE_HUNTER_API_KEY"],
  pdl: ["GLAZE_PDL_BASE_URL", "GLAZE_PDL_API_KEY"],
  apollo: ["GLAZE_APOLLO_BASE_URL", "GLAZE_APOLLO_API_KEY"],
  llm: ["GLAZE_LLM_BASE_URL", "GLAZE_LLM_API_KEY"],
} as const;

export async function startTestReplicas(base: ReplicasConfigPatch = {}): Promise<TestReplicas> {
  const replicas = await startReplicas({ port: 0, config: base });
  for (const [provider, [url, key]] of Object.entries(VARS) as [keyof typeof VARS, readonly [string, string]][]) {
    process.env[url] = replicas.urls[provider];
    process.env[key] = DEFAULT_KEYS[provider];
  }
  process.env.GLAZE_LLM_MODEL = "gpt-4o-mini";
  process.env.GLAZE_ALLOW_PRIVATE_HTTP = "1";
  const restore = () => {
    replicas.configure(defaultConfig());
    replicas.configure(base);
    replicas.reset();
  };
  return Object.assign(replicas, { restore });
}

/**
 * The replicas of a test file whose tests count upstream calls: started before its tests,
 * restored before each one, with the provider cache and rate buckets emptied (an answer cached
 * by an earlier test would hide a call), and closed after. Call the returned function in tests.
 */
export function replicasPerTest(): () => TestReplicas {
  let replicas: TestReplicas | undefined;
  beforeAll(async () => {
    replicas = await startTestReplicas();
  });
  afterAll(() => replicas?.close());
  beforeEach(async () => {
    replicas?.restore();
    await getDb().$executeRawUnsafe("TRUNCATE provider_cache, rate_buckets");
  });
  return () => {
    if (!replicas) throw new Error("the replicas are not started yet");
    return replicas;
  };
}

/** A fixed key for encrypting secrets in tests (never a real deployment's). */
export const TEST_SECRET_KEY = Buffer.alloc(32, 7).toString("base64");
