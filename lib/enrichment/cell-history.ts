import "server-only";
import { isDeepStrictEqual } from "node:util";
import { getDb } from "../db";
import { notFound } from "../errors";
import { readOwn } from "../json";
import { adapterInfo } from "../providers/catalog";
import { type Recipe, readRecipe } from "../providers/recipe";
import { type CallRow, readTaskCalls } from "./store";
import { CANCELLED_ERROR } from "./task-errors";
import { latestByProvider } from "./waterfall/decide";

// GET /api/tables/:tableId/rows/:rowId/cells/:columnId: a cell's value, where it came from, and
// its whole history: every run (task) of the cell, newest first, with every provider call of
// each run and why each call won, lost or failed.

const MAX_RUNS = 50;

export type CallDto = {
  id: string;
  provider: string;
  providerName: string;
  attempt: number;
  outcome: string;
  value: unknown;
  confidence: number | null;
  rawConfidence: unknown;
  cost: number;
  /** The provider's own billing units (its credits, or tokens for the LLM). */
  credits: number;
  /** What Glaze charged for the call against the workspace's budgets (its prices): the ledger's
   * settled credits, or the reservation while the call's charge is not settled yet; 0 when
   * nothing was charged (a cached answer). */
  charged: number;
  latencyMs: number;
  httpStatus: number | null;
  error: string | null;
  source: string | null;
  evidence: unknown;
  fingerprint: string;
  at: string;
  aiSynthesised: boolean;
  /** Answered from the provider cache (no upstream call, no charge); `fetchedAt` is when the answer was fetched. */
  cached: boolean;
  fetchedAt: string;
  /** Why this call's value was or was not used. */
  verdict: string;
};

export type RunDto = {
  taskId: string;
  jobId: string;
  status: string;
  attempts: number;
  error: string | null;
  createdAt: string;
  completedAt: string | null;
  /** The provider whose value the run kept ("demo" for columns without a recipe). */
  provider: string | null;
  waterfall: string[] | null;
  minConfidence: number | null;
  calls: CallDto[];
  /** Providers of the waterfall never called, and why. */
  notCalled: { provider: string; name: string; reason: string }[];
};

export type CellHistoryDto = {
  tableId: string;
  rowId: string;
  columnId: string;
  columnKey: string;
  value: unknown;
  status: string | null;
  confidence: number | null;
  /** The source of the value the cell holds: null when no run found it (never enriched, or edited by hand). */
  source: { provider: string; name: string; detail: string | null; aiSynthesised: boolean } | null;
  /** The cell holds a value written by hand over its last enriched value (`enrichedValue`), or before its run found one. */
  editedByHand: boolean;
  /** The value of the cell's latest run that found one (null: none did). */
  enrichedValue: unknown;
  recipe: Recipe | null;
  history: RunDto[];
};

type Result = {
  value?: unknown;
  provider?: string;
  source?: string;
  callId?: string;
  waterfall?: string[];
  minConfidence?: number;
  /** A skipped cell's providers, each with what it lacked. */
  passedOver?: Record<string, string>;
  /** A cancel ended its waterfall, keeping a value found below the threshold. */
  cancelled?: boolean;
};

/** Why a provider of a run's waterfall was never called. */
function reasonNotCalled(provider: string, result: Result, winner: CallRow | undefined): string {
  const lacked = readOwn(result.passedOver, provider);
  if (typeof lacked === "string") return lacked;
  if (result.cancelled) return "the job was cancelled before it";
  return winner ? `${winner.provider}'s value met the threshold first` : "the run ended before it";
}

const pct = (n: number) => `${Math.round(n * 100)}%`;

function verdictOf(
  call: CallRow,
  ctx: { winnerId?: string; min: number | null; latest: Map<string, CallRow>; winner?: CallRow },
) {
  const min = ctx.min ?? 0;
  const latest = ctx.latest.get(call.provider);
  const superseded = latest && latest.id !== call.id;
  if (call.id === ctx.winnerId) {
    return (call.confidence ?? 0) >= min
      ? `won: first value at or above the threshold (${pct(min)})`
      : `won: the most confident value found (none reached ${pct(min)})`;
  }
  switch (call.outcome) {
    case "found":
      if ((call.confidence ?? 0) < min)
        return `lost: confidence ${pct(call.confidence ?? 0)} is below the threshold ${pct(min)}`;
      return ctx.winner ? `lost: ${ctx.winner.provider} came first` : "lost";
    case "not_found":
      // A cached "not found" says so in its error ("not found (cached)"): not twice.
      return call.error?.startsWith("not found") ? call.error : `not found${call.error ? `: ${call.error}` : ""}`;
    case "skipped":
      return `not called: ${call.error ?? "passed over"}`;
    case "rate_limited":
    case "transient":
      return `failed: ${call.error ?? call.outcome}${superseded ? " (called again)" : ""}`;
    default:
      return `failed (${call.outcome}): ${call.error ?? ""}`.trim();
  }
}

function toCallDto(call: CallRow, verdict: string, charged: number): CallDto {
  return {
    id: call.id,
    provider: call.provider,
    providerName: adapterInfo(call.provider)?.name ?? call.provider,
    attempt: call.attempt,
    outcome: call.outcome,
    value: call.value,
    confidence: call.confidence,
    rawConfidence: call.rawConfidence,
    cost: call.cost,
    credits: call.credits,
    charged,
    latencyMs: call.latencyMs,
    httpStatus: call.httpStatus,
    error: call.error,
    source: call.source,
    evidence: call.evidence,
    fingerprint: call.fingerprint,
    at: call.createdAt.toISOString(),
    aiSynthesised: adapterInfo(call.provider)?.aiSynthesised ?? false,
    cached: call.cachedAt !== null,
    fetchedAt: (call.cachedAt ?? call.createdAt).toISOString(),
    verdict,
  };
}

export async function getCellHistory({
  tableId,
  rowId,
  columnId,
}: {
  tableId: string;
  rowId: string;
  columnId: string;
}): Promise<CellHistoryDto> {
  const db = getDb();
  const [row, column] = await Promise.all([
    db.row.findFirst({ where: { id: rowId, tableId }, select: { data: true, cellStates: true } }),
    db.column.findFirst({ where: { id: columnId, tableId }, select: { key: true, recipe: true } }),
  ]);
  if (!row) throw notFound("row", rowId);
  if (!column) throw notFound("column", columnId);
  const tasks = await db.cellEnrichmentTask.findMany({
    where: { rowId, columnId },
    orderBy: { createdAt: "desc" },
    take: MAX_RUNS,
  });
  const taskIds = tasks.map((t) => t.id);
  const [calls, charges] = await Promise.all([
    readTaskCalls(taskIds),
    db.creditCharge.findMany({
      where: { taskId: { in: taskIds } },
      select: { taskId: true, provider: true, attempt: true, state: true, credits: true, reserved: true },
    }),
  ]);
  const chargeOf = new Map(
    charges.map((c) => [`${c.taskId}|${c.provider}|${c.attempt}`, c.state === "settled" ? c.credits : c.reserved]),
  );
  const history = tasks.map((task): RunDto => {
    const result = (task.result ?? {}) as Result;
    const own = calls.filter((c) => c.taskId === task.id);
    const latest = latestByProvider(own);
    const winner = own.find((c) => c.id === result.callId);
    const min = typeof result.minConfidence === "number" ? result.minConfidence : null;
    const waterfall = Array.isArray(result.waterfall) ? result.waterfall : null;
    const called = new Set(own.map((c) => c.provider));
    return {
      taskId: task.id,
      jobId: task.jobId,
      status: task.status,
      attempts: task.attempts,
      error: task.error,
      createdAt: task.createdAt.toISOString(),
      completedAt: task.completedAt?.toISOString() ?? null,
      provider: result.provider ?? (task.status === "done" ? "demo" : null),
      waterfall,
      minConfidence: min,
      calls: own.map((c) =>
        toCallDto(
          c,
          verdictOf(c, { winnerId: result.callId, min, latest, winner }),
          chargeOf.get(`${c.taskId}|${c.provider}|${c.attempt}`) ?? 0,
        ),
      ),
      notCalled: (waterfall ?? [])
        .filter((p) => !called.has(p))
        .map((provider) => ({
          provider,
          name: adapterInfo(provider)?.name ?? provider,
          reason: reasonNotCalled(provider, result, winner),
        })),
    };
  });
  const latestDone = tasks.find((t) => t.status === "done");
  const state = readOwn(row.cellStates, columnId) as { s?: string; c?: number } | undefined;
  const result = (latestDone?.result ?? null) as Result | null;
  const value = readOwn(row.data, column.key) ?? null;
  const enrichedValue = result?.value ?? null;
  // A value written by hand replaced the enriched one, or ended the cell's run before it found
  // one (lib/rows/update-rows.ts): it has no source.
  // A cell that ran keeps a state (done, failed, skipped) until a value written by hand drops
  // it (store/edited-cells.ts); the only other way it goes is a cancel of a cell that had never
  // run before. So a cell that ran and has no state was edited by hand, whatever it holds now
  // (typed over a failed run, cleared, or its enriched value typed back).
  const latest = tasks[0];
  const neverRanCancel = latest?.status === "failed" && latest.error === CANCELLED_ERROR;
  const editedByHand =
    state === undefined
      ? latest !== undefined && !neverRanCancel
      : latestDone !== undefined && !isDeepStrictEqual(value, enrichedValue);
  const provider = editedByHand ? null : (result?.provider ?? (latestDone ? "demo" : null));
  return {
    tableId,
    rowId,
    columnId,
    columnKey: column.key,
    value,
    status: state?.s ?? null,
    confidence: state?.c ?? null,
    editedByHand,
    enrichedValue,
    source: provider
      ? {
          provider,
          name: adapterInfo(provider)?.name ?? (provider === "demo" ? "Demo provider" : provider),
          detail: result?.source ?? null,
          aiSynthesised: adapterInfo(provider)?.aiSynthesised ?? false,
        }
      : null,
    recipe: readRecipe(column.recipe) ?? null,
    history,
  };
}
