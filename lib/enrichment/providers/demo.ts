import "server-only";
import { env } from "../../env";
import { demoConfidence, demoValue } from "./demo-values";
import {
  PermanentProviderError,
  type Provider,
  type ProviderInput,
  type ProviderResult,
  TransientProviderError,
} from "./types";

/**
 * The demo provider: deterministic values for columns without a recipe (demo-values.ts).
 * Failure injection (documented in the README): a column key starting `flaky_` fails its
 * first attempt with a transient error and succeeds on the next; `fail_` always fails
 * permanently. GLAZE_PROVIDER_LATENCY_MS adds simulated latency to every call.
 */
export const demoProvider: Provider = {
  name: "demo",
  async enrich({ row, column, attempt }: ProviderInput): Promise<ProviderResult> {
    const latency = env.providerLatencyMs;
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    const key = column.key.toLowerCase();
    if (key.startsWith("fail_")) {
      throw new PermanentProviderError(`No data found for "${column.key}" (simulated permanent failure)`);
    }
    if (key.startsWith("flaky_") && attempt <= 1) {
      throw new TransientProviderError(`Provider timed out for "${column.key}" (simulated transient failure)`);
    }
    const { value, source } = demoValue(row.id, column.key);
    return { value, confidence: demoConfidence(row.id, column.key), source };
  },
};
