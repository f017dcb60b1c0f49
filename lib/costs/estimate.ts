import "server-only";
import { getDb, getPool } from "../db";
import { nothingToRetry } from "../enrichment/create-job";
import { retryCostsOf } from "../enrichment/jobs";
import { MAX_CELLS_PER_JOB } from "../enrichment/policy";
import type { JobCostOptions, Selection } from "../enrichment/schemas";
import { retryableCells } from "../enrichment/store";
import { run, type Statement } from "../enrichment/store/run";
import { env } from "../env";
import { AppError, invalid, notFound } from "../errors";
import { adapterInfo } from "../providers/catalog";
import { type Recipe, readRecipe } from "../providers/recipe";
import { ROW_IDS_OF_TABLE, wellFormedIds } from "../rows/by-id";
import { SqlParams } from "../sql";
import { compileFilter } from "../views/compile-filter";
import { resolveFilter } from "../views/resolve";
import { viewColumnsOf } from "../views/table-columns";
import { roundCredits } from "./credits";
import { type MaskRow, maskStatement } from "./estimate-sql";
import { monthKeyOf } from "./ledger";
import { CACHEABLE, cacheTtlDaysOf } from "./limits";
import { type Price, priceOf, worstCase } from "./prices";
import { readCostSettings } from "./settings";

// POST /enrich/estimate: what a run of the selection would cost, without creating anything.
// Set-based: one statement per enriched column reduces the selected rows to a handful of
// (runnable, cached) combinations (estimate-sql.ts); the waterfall arithmetic runs on those.
// min: the cheapest possible outcome; max: every runnable, uncached provider called and billed
// (what reservations assume); expected: each provider reached with the probability that the
// providers before it found nothing that meets the column's threshold, at their observed rates
// in this workspace (its last 1,000 answers: how often each found a value, and how confident).

export type Credits = { min: number; expected: number; max: number };
export type ColumnEstimate = {
  columnId: string;
  key: string;
  label: string;
  cells: number;
  skippedCells: number;
  cachedCells: number;
  providerCalls: number;
  credits: Credits;
};
export type ProviderEstimate = {
  provider: string;
  name: string;
  /** Upstream calls at most (cached answers excluded). */
  calls: number;
  expectedCalls: number;
  /** Lookups this provider answers from the cache. */
  cachedLookups: number;
  findRate: number;
  findRateSource: "observed" | "default";
  /**
   * How often its answer is billed its per-result price: found, or a match without the asked
   * field that the provider bills all the same (PDL, Apollo with a locked email); the find
   * rate where not observed.
   */
  billedRate: number;
  price: Price;
  credits: Credits;
};
export type EstimateDto = {
  cells: number;
  skippedCells: number;
  cachedCells: number;
  providerCalls: number;
  credits: Credits;
  byColumn: ColumnEstimate[];
  byProvider: ProviderEstimate[];
  budget: {
    maxCredits: number | null;
    monthlyCredits: number | null;
    spentThisMonth: number;
    confirmThreshold: number;
  };
  /** Whether the grid asks before running it: expected credits above the workspace's threshold. */
  needsConfirmation: boolean;
};

const DEFAULT_FIND_RATE = 0.5;
/** A provider's own find rate is used once it has this many settled calls: one "not found" is not a 0 % rate. */
const MIN_OBSERVED_CALLS = 3;

const FIND_RATES: Statement = {
  name: "glaze-observed-find-rates",
  plan: "generic",
  text: `
    SELECT p.provider, count(l.*)::int AS calls, count(l.*) FILTER (WHERE l.outcome = 'found')::int AS found,
           count(l.*) FILTER (WHERE l.outcome = 'found' OR pc.credits > 0)::int AS billed,
           COALESCE(array_agg(COALESCE(pc.confidence, 0)) FILTER (WHERE l.outcome = 'found'), '{}') AS confidences
      FROM unnest($2::text[]) AS p(provider)
      LEFT JOIN LATERAL (
        SELECT outcome, task_id, attempt FROM credit_ledger
         WHERE workspace_id = $1 AND provider = p.provider AND state = 'settled'
           AND outcome IN ('found', 'not_found')
         ORDER BY created_at DESC LIMIT 1000
      ) l ON true
      LEFT JOIN provider_calls pc ON pc.task_id = l.task_id AND pc.provider = p.provider AND pc.attempt = l.attempt
     GROUP BY p.provider`,
};

const HAS_CACHE: Statement = {
  name: "glaze-cache-providers",
  plan: "generic",
  text: `SELECT p.provider FROM unnest($2::text[]) AS p(provider)
          WHERE EXISTS (SELECT 1 FROM provider_cache c WHERE c.workspace_id = $1 AND c.provider = p.provider)`,
};

const SPENT: Statement = {
  name: "glaze-budget-spent",
  plan: "generic",
  text: `SELECT spent AS used FROM credit_budgets WHERE key = $1`,
};

type ColumnRow = { id: string; key: string; label: string; recipe: unknown };

/** Per enriched column: the row condition (alias r) of the selection, with its parameters. */
async function rowConditions(tableId: string, selection: Selection, columns: ColumnRow[]) {
  const byId = new Map(columns.map((c) => [c.id, c]));
  const wanted =
    selection.mode === "cells"
      ? [...new Set(selection.cells.map((c) => c.columnId.toLowerCase()))]
      : [...new Set(selection.columnIds.map((id) => id.toLowerCase()))];
  const unknownColumnIds = wanted.filter((id) => !byId.has(id));
  const out: { column: ColumnRow; where: (params: SqlParams) => string; rows: number }[] = [];
  const countRows = async (ids: string[]) => {
    const wellFormed = wellFormedIds(ids);
    const { rows } = await getPool().query<{ id: string }>(ROW_IDS_OF_TABLE, [tableId, wellFormed]);
    const known = new Set(rows.map((r) => r.id));
    return { known: [...known], unknown: [...new Set(ids.filter((id) => !known.has(id.toLowerCase())))] };
  };
  let unknownRowIds: string[] = [];
  if (selection.mode === "cells") {
    const rowsOf = new Map<string, string[]>();
    for (const c of selection.cells) {
      const col = c.columnId.toLowerCase();
      rowsOf.set(col, [...(rowsOf.get(col) ?? []), c.rowId.toLowerCase()]);
    }
    const checked = await countRows(selection.cells.map((c) => c.rowId));
    unknownRowIds = checked.unknown;
    const known = new Set(checked.known);
    for (const [columnId, ids] of rowsOf) {
      const column = byId.get(columnId);
      if (!column) continue;
      const rowIds = [...new Set(ids.filter((id) => known.has(id)))];
      out.push({
        column,
        rows: rowIds.length,
        where: (params) =>
          `r.table_id = ${params.add(tableId, "uuid")} AND r.id = ANY(${params.add(rowIds, "uuid[]")})`,
      });
    }
  } else if (selection.mode === "grid") {
    let rowIds: string[] | null = null;
    let rows: number;
    if (selection.rowIds === "all") {
      const { rows: counted } = await getPool().query<{ n: number }>(
        "SELECT count(*)::int AS n FROM rows WHERE table_id = $1::uuid",
        [tableId],
      );
      rows = counted[0]?.n ?? 0;
    } else {
      const checked = await countRows(selection.rowIds);
      unknownRowIds = checked.unknown;
      rowIds = checked.known;
      rows = rowIds.length;
    }
    for (const id of wanted) {
      const column = byId.get(id);
      if (!column) continue;
      out.push({
        column,
        rows,
        where: (params) =>
          `r.table_id = ${params.add(tableId, "uuid")}${rowIds ? ` AND r.id = ANY(${params.add(rowIds, "uuid[]")})` : ""}`,
      });
    }
  } else {
    const filter = resolveFilter(selection.rowFilter, await viewColumnsOf(getDb(), tableId), "rowFilter");
    const options = { tableId };
    const params = new SqlParams([tableId]);
    const condition = compileFilter(filter, params, "r", options);
    const { rows: counted } = await getPool().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM rows r WHERE r.table_id = $1::uuid AND ${condition}`,
      params.values,
    );
    const rows = counted[0]?.n ?? 0;
    for (const id of wanted) {
      const column = byId.get(id);
      if (!column) continue;
      out.push({
        column,
        rows,
        where: (p) => `r.table_id = ${p.add(tableId, "uuid")} AND ${compileFilter(filter, p, "r", options)}`,
      });
    }
  }
  if (unknownColumnIds.length > 0 || unknownRowIds.length > 0) {
    throw invalid("The selection has ids that are not in this table", {
      unknownColumnIds: unknownColumnIds.slice(0, 100),
      unknownRowIds: unknownRowIds.slice(0, 100),
    });
  }
  return out;
}

const zero = (): Credits => ({ min: 0, expected: 0, max: 0 });
const add = (a: Credits, b: Credits) => {
  a.min += b.min;
  a.expected += b.expected;
  a.max += b.max;
};
// min and max are sums of prices, exact to a millionth like every charge (max is what
// reservations assume); expected is a probability-weighted guess, to a hundredth.
const round = (c: Credits): Credits => ({
  min: roundCredits(c.min),
  expected: Math.round(c.expected * 100) / 100,
  max: roundCredits(c.max),
});

export async function estimateEnrichment({
  tableId,
  workspaceId,
  selection,
  costs = {},
}: {
  tableId: string;
  workspaceId: string;
  selection: Selection;
  costs?: JobCostOptions;
}): Promise<EstimateDto> {
  const { rows: tables } = await getPool().query("SELECT 1 FROM tables WHERE id = $1::uuid", [tableId]);
  if (tables.length === 0) throw notFound("table", tableId);
  const { rows: columns } = await getPool().query<ColumnRow>(
    'SELECT id::text AS id, key, label, recipe FROM columns WHERE table_id = $1::uuid ORDER BY "order", id',
    [tableId],
  );
  const selected = await rowConditions(tableId, selection, columns);
  const total = selected.reduce((n, s) => n + s.rows, 0);
  if (total > MAX_CELLS_PER_JOB) {
    throw new AppError(
      "payload_too_large",
      `The selection has ${total} cells; one job may enrich at most ${MAX_CELLS_PER_JOB}`,
    );
  }
  const settings = await readCostSettings(workspaceId);
  const recipes = new Map<string, Recipe>();
  for (const s of selected) {
    const recipe = readRecipe(s.column.recipe);
    if (recipe) recipes.set(s.column.id, recipe);
  }
  const providers = [...new Set([...recipes.values()].flatMap((r) => r.providers))];
  const [rates, spentRows] = await Promise.all([
    run<{ provider: string; calls: number; found: number; billed: number; confidences: number[] }>(FIND_RATES, [
      workspaceId,
      providers,
    ]),
    run<{ used: number }>(SPENT, [monthKeyOf(workspaceId)]),
  ]);
  const findRate = new Map(
    providers.map((p) => {
      const r = rates.find((x) => x.provider === p);
      return [
        p,
        r && r.calls >= MIN_OBSERVED_CALLS
          ? {
              rate: r.found / r.calls,
              billed: r.billed / r.calls,
              source: "observed" as const,
              calls: r.calls,
              confidences: r.confidences,
            }
          : {
              rate: DEFAULT_FIND_RATE,
              billed: DEFAULT_FIND_RATE,
              source: "default" as const,
              calls: 0,
              confidences: [] as number[],
            },
      ];
    }),
  );
  const cacheable = costs.refresh
    ? []
    : providers.filter((p) => CACHEABLE.has(p) && cacheTtlDaysOf(p, settings.cacheTtlDays, env.cacheTtlDays) > 0);
  // Providers without a single cached answer in the workspace need no key computed per row.
  const cached = new Set(
    cacheable.length === 0
      ? []
      : (await run<{ provider: string }>(HAS_CACHE, [workspaceId, cacheable])).map((r) => r.provider),
  );
  const byProvider = new Map<string, ProviderEstimate>(
    providers.map((p) => [
      p,
      {
        provider: p,
        name: adapterInfo(p)?.name ?? p,
        calls: 0,
        expectedCalls: 0,
        cachedLookups: 0,
        findRate: Math.round((findRate.get(p)?.rate ?? DEFAULT_FIND_RATE) * 1000) / 1000,
        findRateSource: findRate.get(p)?.source ?? "default",
        billedRate: Math.round((findRate.get(p)?.billed ?? DEFAULT_FIND_RATE) * 1000) / 1000,
        price: priceOf(p, settings.prices),
        credits: zero(),
      },
    ]),
  );

  const masks = await Promise.all(
    selected.map(async (s) => {
      const recipe = recipes.get(s.column.id);
      if (!recipe || s.rows === 0) return [];
      const params = new SqlParams();
      const text = maskStatement({ recipe, rowWhere: s.where(params), params, workspaceId, cached });
      return (await getPool().query<MaskRow>(text, params.values)).rows;
    }),
  );

  const byColumn: ColumnEstimate[] = selected.map((s, index) => {
    const recipe = recipes.get(s.column.id);
    const column: ColumnEstimate = {
      columnId: s.column.id,
      key: s.column.key,
      label: s.column.label,
      cells: s.rows,
      skippedCells: 0,
      cachedCells: 0,
      providerCalls: 0,
      credits: zero(),
    };
    if (!recipe) return column; // the demo provider: free
    for (const m of masks[index] ?? []) {
      let runnable = m.runnable;
      const llm = recipe.providers.indexOf("llm");
      const others = recipe.providers.map((_, i) => i).filter((i) => i !== llm);
      if (llm >= 0 && others.length > 0 && others.every((i) => !(runnable & (1 << i)))) runnable &= ~(1 << llm);
      if (runnable === 0) {
        column.skippedCells += m.n;
        continue;
      }
      let reach = 1;
      let prefix = 0; // per-call credits spent before the current provider, on the cheapest path
      let cheapest = Number.POSITIVE_INFINITY;
      let worst = 0;
      let answeredFromCache = true;
      let stopped = false;
      recipe.providers.forEach((provider, i) => {
        if (stopped || !(runnable & (1 << i))) return;
        const p = byProvider.get(provider) as ProviderEstimate;
        if (m.cachedAny & (1 << i)) {
          p.cachedLookups += m.n * reach;
          if (m.cachedFound & (1 << i)) {
            stopped = true;
            cheapest = Math.min(cheapest, prefix);
          }
          return;
        }
        answeredFromCache = false;
        const observed = findRate.get(provider);
        const f = observed?.rate ?? DEFAULT_FIND_RATE;
        // A match the provider bills without the asked field (Apollo's locked email) costs as a find.
        const billed = observed?.billed ?? f;
        // The waterfall stops at an answer that meets the column's threshold, not at any
        // found one: a value below it is charged and the next provider is asked too.
        const threshold = recipe.stopWhen.minConfidence;
        const stops =
          observed && observed.calls > 0
            ? observed.confidences.filter((c) => Number(c) >= threshold).length / observed.calls
            : f;
        const cost = {
          min: 0,
          expected: m.n * reach * (p.price.creditsPerCall + billed * p.price.creditsPerFound),
          max: m.n * worstCase(p.price),
        };
        p.calls += m.n;
        p.expectedCalls += m.n * reach;
        column.providerCalls += m.n;
        cheapest = Math.min(cheapest, prefix + worstCase(p.price));
        prefix += p.price.creditsPerCall;
        worst += worstCase(p.price);
        add(p.credits, cost);
        column.credits.expected += cost.expected;
        reach *= 1 - stops;
      });
      if (!stopped) cheapest = Math.min(cheapest, prefix);
      if (answeredFromCache && stopped) column.cachedCells += m.n;
      column.credits.min += m.n * cheapest;
      column.credits.max += m.n * worst;
    }
    column.credits = round(column.credits);
    return column;
  });

  const credits = zero();
  for (const c of byColumn) add(credits, c.credits);
  for (const p of byProvider.values()) {
    p.expectedCalls = Math.round(p.expectedCalls);
    p.credits = round({ ...p.credits, min: 0 });
  }
  // Per provider, min is what its calls cost on the cheapest path; spread from the columns it is too coarse: 0.
  const rounded = round(credits);
  return {
    cells: total,
    skippedCells: byColumn.reduce((n, c) => n + c.skippedCells, 0),
    cachedCells: byColumn.reduce((n, c) => n + c.cachedCells, 0),
    providerCalls: byColumn.reduce((n, c) => n + c.providerCalls, 0),
    credits: rounded,
    byColumn,
    byProvider: [...byProvider.values()],
    budget: {
      maxCredits: costs.maxCredits ?? null,
      monthlyCredits: settings.monthlyCredits,
      spentThisMonth: spentRows[0]?.used ?? 0,
      confirmThreshold: settings.confirmThreshold,
    },
    needsConfirmation: rounded.expected > settings.confirmThreshold,
  };
}

/**
 * What retrying job `jobId` (POST …/retry) would cost: the estimate of the cells it would run
 * again. 409 when there are none (none failed, or each was run again since), as the retry says.
 */
export async function estimateRetry({
  tableId,
  workspaceId,
  jobId,
}: {
  tableId: string;
  workspaceId: string;
  jobId: string;
}): Promise<EstimateDto> {
  const costs = await retryCostsOf({ tableId, jobId }); // 404 for a job of another table
  const cells = await retryableCells(jobId, getDb());
  if (cells.length === 0) throw nothingToRetry();
  return estimateEnrichment({ tableId, workspaceId, selection: { mode: "cells", cells }, costs });
}
