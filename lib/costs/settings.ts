import "server-only";
import type { Tx } from "../db";
import { run, type Statement } from "../enrichment/store/run";
import { env } from "../env";
import { emptyRecord } from "../json";
import type { RateLimitSpec } from "./limits";
import type { PriceOverrides } from "./prices";

// The one reader and writer of workspace_cost_settings. A workspace without a row has no
// overrides, no monthly budget and the deployment's confirm threshold.

export type CostSettings = {
  monthlyCredits: number | null;
  /** What applies: the workspace's own threshold, else the deployment's. */
  confirmThreshold: number;
  /** The workspace's own threshold; null follows the deployment's (GLAZE_CONFIRM_THRESHOLD_CREDITS). */
  ownConfirmThreshold: number | null;
  prices: PriceOverrides;
  rateLimits: Record<string, RateLimitSpec>;
  cacheTtlDays: Record<string, number>;
};

type SettingsRow = {
  monthlyCredits: number | null;
  confirmThreshold: number | null;
  prices: unknown;
  rateLimits: unknown;
  cacheTtlDays: unknown;
};

const READ: Statement = {
  name: "glaze-cost-settings",
  plan: "generic",
  text: `SELECT monthly_credits AS "monthlyCredits", confirm_threshold AS "confirmThreshold", prices,
                rate_limits AS "rateLimits", cache_ttl_days AS "cacheTtlDays"
           FROM workspace_cost_settings WHERE workspace_id = $1`,
};

/** JSON from the database as a null-prototype record (keys are provider ids). */
function record<T>(value: unknown): Record<string, T> {
  const out = emptyRecord<T>();
  if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) out[k] = v as T;
  return out;
}

export async function readCostSettings(workspaceId: string, tx?: Tx): Promise<CostSettings> {
  const [row] = await run<SettingsRow>(READ, [workspaceId], tx);
  return {
    monthlyCredits: row?.monthlyCredits ?? null,
    confirmThreshold: row?.confirmThreshold ?? env.confirmThresholdCredits,
    ownConfirmThreshold: row?.confirmThreshold ?? null,
    prices: record(row?.prices),
    rateLimits: record(row?.rateLimits),
    cacheTtlDays: record(row?.cacheTtlDays),
  };
}

const WRITE: Statement = {
  name: "glaze-cost-settings-write",
  plan: "generic",
  text: `INSERT INTO workspace_cost_settings (workspace_id, monthly_credits, confirm_threshold, prices, rate_limits, cache_ttl_days)
         VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb)
         ON CONFLICT (workspace_id) DO UPDATE
            SET monthly_credits = EXCLUDED.monthly_credits, confirm_threshold = EXCLUDED.confirm_threshold,
                prices = EXCLUDED.prices, rate_limits = EXCLUDED.rate_limits,
                cache_ttl_days = EXCLUDED.cache_ttl_days, updated_at = now()`,
};

/** What is stored: the workspace's own threshold (null follows the deployment's). */
export type StoredCostSettings = Omit<CostSettings, "confirmThreshold" | "ownConfirmThreshold"> & {
  confirmThreshold: number | null;
};

export async function writeCostSettings(workspaceId: string, settings: StoredCostSettings, tx?: Tx) {
  await run(
    WRITE,
    [
      workspaceId,
      settings.monthlyCredits,
      settings.confirmThreshold,
      JSON.stringify(settings.prices),
      JSON.stringify(settings.rateLimits),
      JSON.stringify(settings.cacheTtlDays),
    ],
    tx,
  );
}

/** Applies a patch of per-provider values: null removes a provider's entry. */
export function patchRecord<T>(current: Record<string, T>, patch: Record<string, T | null> | undefined) {
  const out = emptyRecord<T>();
  for (const [k, v] of Object.entries(current)) out[k] = v;
  for (const [k, v] of Object.entries(patch ?? {})) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}
