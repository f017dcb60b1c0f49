import "server-only";
import { getDb } from "../db";
import { withDbRetry } from "../enrichment/store";
import { run, type Statement } from "../enrichment/store/run";
import { env } from "../env";
import { invalid } from "../errors";
import { roundCredits } from "./credits";
import { monthKeyOf } from "./ledger";
import { limitList, type ProviderLimitDto } from "./limits";
import { type PriceDto, priceList } from "./prices";
import type { PutBudgetInput, PutLimitsInput, PutPricesInput } from "./schemas";
import { type CostSettings, patchRecord, readCostSettings, writeCostSettings } from "./settings";

// The workspace-level costs API: prices, provider limits (rate limit and cache TTL) and the
// monthly budget. Each write locks the workspace's settings row, applies the patch and writes
// it back in one transaction, so concurrent edits never lose each other.

const LOCK: Statement = {
  name: "glaze-cost-settings-lock",
  plan: "custom",
  text: `WITH ins AS (
           INSERT INTO workspace_cost_settings (workspace_id) VALUES ($1)
           ON CONFLICT (workspace_id) DO NOTHING
         )
         SELECT 1 FROM workspace_cost_settings WHERE workspace_id = $1 FOR UPDATE`,
};

async function updateSettings<T>(
  workspaceId: string,
  change: (
    current: CostSettings,
    tx: Parameters<Parameters<ReturnType<typeof getDb>["$transaction"]>[0]>[0],
  ) => Promise<CostSettings>,
  then: (settings: CostSettings) => T,
): Promise<T> {
  return withDbRetry(() =>
    getDb().$transaction(async (tx) => {
      await run(LOCK, [workspaceId], tx);
      const next = await change(await readCostSettings(workspaceId, tx), tx);
      await writeCostSettings(workspaceId, { ...next, confirmThreshold: next.ownConfirmThreshold }, tx);
      return then(next);
    }),
  );
}

export type PricesDto = { data: PriceDto[] };

export async function getPrices(workspaceId: string): Promise<PricesDto> {
  return { data: priceList((await readCostSettings(workspaceId)).prices) };
}

export async function putPrices(workspaceId: string, input: PutPricesInput): Promise<PricesDto> {
  return updateSettings(
    workspaceId,
    async (s) => {
      const prices = patchRecord(s.prices, input.prices);
      return { ...s, prices };
    },
    (s) => ({ data: priceList(s.prices) }),
  );
}

export type LimitsDto = { data: ProviderLimitDto[] };

export async function getLimits(workspaceId: string): Promise<LimitsDto> {
  const s = await readCostSettings(workspaceId);
  return { data: limitList(s.rateLimits, s.cacheTtlDays, env.cacheTtlDays) };
}

export async function putLimits(workspaceId: string, input: PutLimitsInput): Promise<LimitsDto> {
  return updateSettings(
    workspaceId,
    async (s) => ({
      ...s,
      rateLimits: patchRecord(s.rateLimits, input.rateLimits),
      cacheTtlDays: patchRecord(s.cacheTtlDays, input.cacheTtlDays),
    }),
    (s) => ({ data: limitList(s.rateLimits, s.cacheTtlDays, env.cacheTtlDays) }),
  );
}

export type BudgetDto = {
  monthlyCredits: number | null;
  confirmThreshold: number;
  month: string;
  spentThisMonth: number;
  reservedThisMonth: number;
  remainingThisMonth: number | null;
};

const MONTH: Statement = {
  name: "glaze-month-budget",
  plan: "generic",
  text: `SELECT spent, reserved FROM credit_budgets WHERE key = $1`,
};

// The month's row takes the new limit only if what is spent fits under it (checked on the
// locked row, so a concurrent settle cannot slip past).
const SET_MONTH: Statement = {
  name: "glaze-month-budget-set",
  plan: "generic",
  text: `
    WITH ins AS (
      INSERT INTO credit_budgets (key, workspace_id, limit_credits) VALUES ($1, $2, $3::float8)
      ON CONFLICT (key) DO NOTHING RETURNING spent
    ), upd AS (
      UPDATE credit_budgets SET limit_credits = $3::float8, updated_at = now()
       WHERE key = $1 AND ($3::float8 IS NULL OR spent <= $3::float8)
      RETURNING spent
    )
    SELECT spent FROM ins UNION ALL SELECT spent FROM upd`,
};

function budgetOf(s: CostSettings, month: { spent: number; reserved: number } | undefined, key: string): BudgetDto {
  const spent = month?.spent ?? 0;
  const reserved = month?.reserved ?? 0;
  return {
    monthlyCredits: s.monthlyCredits,
    confirmThreshold: s.confirmThreshold,
    month: key.slice(-7),
    spentThisMonth: spent,
    reservedThisMonth: reserved,
    remainingThisMonth:
      s.monthlyCredits === null ? null : Math.max(0, roundCredits(s.monthlyCredits - spent - reserved)),
  };
}

export async function getBudget(workspaceId: string): Promise<BudgetDto> {
  const key = monthKeyOf(workspaceId);
  const [settings, [month]] = await Promise.all([
    readCostSettings(workspaceId),
    run<{ spent: number; reserved: number }>(MONTH, [key]),
  ]);
  return budgetOf(settings, month, key);
}

export async function putBudget(workspaceId: string, input: PutBudgetInput): Promise<BudgetDto> {
  const key = monthKeyOf(workspaceId);
  return updateSettings(
    workspaceId,
    async (s, tx) => {
      const monthlyCredits = input.monthlyCredits === undefined ? s.monthlyCredits : input.monthlyCredits;
      if (input.monthlyCredits !== undefined) {
        const [set] = await run<{ spent: number }>(SET_MONTH, [key, workspaceId, monthlyCredits], tx);
        if (!set) {
          const [month] = await run<{ spent: number }>(MONTH, [key], tx);
          throw invalid("The request body is invalid", [
            {
              path: "monthlyCredits",
              message: `must be at least what is already spent this month (${month?.spent ?? 0} credits)`,
            },
          ]);
        }
      }
      // null goes back to the deployment's threshold.
      const own = input.confirmThreshold === undefined ? s.ownConfirmThreshold : input.confirmThreshold;
      return {
        ...s,
        monthlyCredits,
        ownConfirmThreshold: own,
        confirmThreshold: own ?? env.confirmThresholdCredits,
      };
    },
    (s) => s,
  ).then(async (s) => {
    const [month] = await run<{ spent: number; reserved: number }>(MONTH, [key]);
    return budgetOf(s, month, key);
  });
}
