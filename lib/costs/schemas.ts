import { z } from "zod";
import { refusingProtoKey } from "../api/records";
import { ADAPTER_IDS } from "../providers/catalog";
import { CACHEABLE } from "./limits";

// Request schemas of the costs API: price overrides, provider limits, the monthly budget, the
// usage query. An override for a provider Glaze does not know is refused with its field.

/** Credits are exact to a millionth (lib/costs/credits.ts): finer amounts are refused. */
const toMillionths = (n: number) => Math.abs(n * 1e6 - Math.round(n * 1e6)) < 1e-6;
const MILLIONTHS = "must have at most 6 decimal places";

const credits = z
  .number({ error: "must be a number" })
  .finite()
  .min(0, "must be 0 or more")
  .max(1_000_000, "must be at most 1,000,000")
  .refine(toMillionths, MILLIONTHS);

/** A record keyed by adapter id; an unknown id is an issue at its own path. */
function byProvider<T extends z.ZodType>(value: T) {
  const record = z.record(z.string(), value).superRefine((record, ctx) => {
    for (const key of Object.keys(record)) {
      if (!(ADAPTER_IDS as string[]).includes(key)) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `unknown provider: use one of ${ADAPTER_IDS.join(", ")}`,
        });
      }
    }
  });
  return refusingProtoKey(record, `unknown provider: use one of ${ADAPTER_IDS.join(", ")}`);
}

export const priceOverride = z
  .strictObject({
    creditsPerCall: credits.optional().describe("Credits charged for every answered call"),
    creditsPerFound: credits.optional().describe("Credits charged when the provider bills a found result"),
  })
  // An override that sets nothing would read as one in the settings while changing no price.
  .refine((o) => o.creditsPerCall !== undefined || o.creditsPerFound !== undefined, {
    message: "give creditsPerCall, creditsPerFound or both (null removes the override)",
  });

export const putPricesSchema = z.strictObject({
  prices: byProvider(priceOverride.nullable()).describe(
    "Overrides by provider id; null removes a provider's override (back to the documented default)",
  ),
});
export type PutPricesInput = z.output<typeof putPricesSchema>;

export const rateLimitSpec = z.strictObject({
  limit: z.number().int("must be a whole number").min(1, "must be at least 1").max(1_000_000),
  periodSeconds: z.number().finite().min(0.001, "must be more than 0").max(86_400, "must be at most 86,400"),
});

export const putLimitsSchema = z
  .strictObject({
    rateLimits: byProvider(rateLimitSpec.nullable()).optional().describe("Calls per period, by provider id"),
    cacheTtlDays: byProvider(z.number().finite().min(0, "must be 0 or more").max(3650).nullable())
      .superRefine((record, ctx) => {
        for (const key of Object.keys(record)) {
          if ((ADAPTER_IDS as string[]).includes(key) && !CACHEABLE.has(key)) {
            ctx.addIssue({
              code: "custom",
              path: [key],
              message: `${key} answers are never cached; cached providers: ${[...CACHEABLE].join(", ")}`,
            });
          }
        }
      })
      .optional()
      .describe("Days a cached answer is reused, by provider id (0 turns the cache off)"),
  })
  .refine((v) => v.rateLimits !== undefined || v.cacheTtlDays !== undefined, {
    message: "give at least one of rateLimits, cacheTtlDays",
  });
export type PutLimitsInput = z.output<typeof putLimitsSchema>;

export const putBudgetSchema = z
  .strictObject({
    monthlyCredits: credits
      .nullable()
      .optional()
      .describe("Credits the workspace may spend per calendar month (UTC); null removes the budget"),
    confirmThreshold: credits
      .nullable()
      .optional()
      .describe("The grid asks before a run expected to cost more than this; null follows the deployment's default"),
  })
  // An empty body changed nothing and answered 200, as if it had.
  .refine((v) => v.monthlyCredits !== undefined || v.confirmThreshold !== undefined, {
    message: "give at least one of monthlyCredits, confirmThreshold",
  });
export type PutBudgetInput = z.output<typeof putBudgetSchema>;

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date: YYYY-MM-DD")
  // Date.parse rolls 2026-02-30 over to March 2nd; the day must come back as written.
  .refine((s) => {
    const parsed = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === s && s >= "0001-01-01";
  }, "must be a real date");

/** The most days one usage query may span (a leap year). */
const MAX_USAGE_DAYS = 366;

export const USAGE_GROUPS = ["provider", "table", "job", "day"] as const;

export const usageQuery = z
  .strictObject({
    from: date.optional().describe("First day (UTC), inclusive; default 30 days ago"),
    to: date.optional().describe("Last day (UTC), inclusive; default today"),
    groupBy: z.enum(USAGE_GROUPS).default("provider"),
  })
  .superRefine((q, ctx) => {
    if (q.from && q.to && q.from > q.to)
      ctx.addIssue({ code: "custom", path: ["from"], message: "must not be after to" });
    // Both days count (to is inclusive), and an absent `to` is today.
    const to = q.to ?? new Date().toISOString().slice(0, 10);
    if (q.from && !q.to && q.from > to)
      ctx.addIssue({ code: "custom", path: ["from"], message: "must not be after to (today when absent)" });
    if (q.from && q.from <= to && (Date.parse(to) - Date.parse(q.from)) / 86_400_000 + 1 > MAX_USAGE_DAYS) {
      ctx.addIssue({
        code: "custom",
        path: [q.to ? "to" : "from"],
        message: `the range may span at most ${MAX_USAGE_DAYS} days, both included${q.to ? "" : " (to is today when absent)"}`,
      });
    }
  });
export type UsageQuery = z.output<typeof usageQuery>;

/** maxCredits and refresh of the enrich body. */
export const maxCreditsField = z
  .number({ error: "must be a number" })
  .finite("must be a finite number")
  .min(0, "must be 0 or more")
  .max(1_000_000_000, "must be at most 1,000,000,000")
  .refine(toMillionths, MILLIONTHS)
  .optional()
  .describe("The most this job may spend, in credits; reaching it skips the job's remaining paid calls");
export const refreshField = z
  .boolean()
  .optional()
  .describe("Bypass the provider cache: every lookup goes upstream and refreshes the cached answer");
