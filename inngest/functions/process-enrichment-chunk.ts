import { NonRetriableError, RetryAfterError } from "inngest";
import { asBackgroundWork } from "@/lib/background";
import { failUnfinishedTasks, unfinishedTaskIds } from "@/lib/enrichment/orchestration";
import {
  CELL_STEP_RETRIES,
  cellAttempt,
  GLOBAL_STEP_CONCURRENCY,
  HANDOVER_HORIZON_MS,
  HANDOVER_TIMEOUT,
  MAX_CELL_ATTEMPTS,
  MAX_HANDOVER_ROUNDS,
  RETRY_BATCH_WAIT,
  TABLE_STEP_CONCURRENCY,
} from "@/lib/enrichment/policy";
import { runCellBatch } from "@/lib/enrichment/run-batch";
import { finishWaterfallCell, startCell } from "@/lib/enrichment/run-cell";
import { tasksStillToRun } from "@/lib/enrichment/settle-unclaimed";
import type { Handover } from "@/lib/enrichment/waterfall/batch";
import { finishCachedCells } from "@/lib/enrichment/waterfall/cached";
import { CallRetry, runWaterfallCall } from "@/lib/enrichment/waterfall/calls";
import { callableProviders } from "@/lib/enrichment/waterfall/cell";
import type { WaterfallPlan } from "@/lib/enrichment/waterfall/plan";
import { endCancelledCells } from "@/lib/enrichment/waterfall/stopped-cells";
import { inngest } from "../client";
import { enrichmentChunkRequested } from "../events";
import { callProviderForCells } from "./call-provider-for-cells";

type Step = Parameters<Parameters<typeof inngest.createFunction>[1]>[0]["step"];

/**
 * The first durable step of a cell. A cell without a recipe runs here whole: a transient
 * provider error throws, so Inngest retries just this step with backoff; a permanent error (or
 * the last attempt) is recorded as failed by the engine and reported as NonRetriableError. A
 * cell with a recipe is claimed and planned here, and its waterfall runs in the next steps.
 * `priorAttempts` counts attempts the cell already had inside a batch step.
 */
async function cellStep(taskId: string, stepAttempt: number, priorAttempts: number) {
  const attempt = cellAttempt({ priorAttempts, stepAttempt });
  const started = await startCell(taskId, attempt, { maxAttempts: MAX_CELL_ATTEMPTS });
  if ("plan" in started) return { status: "waterfall" as const, attempts: attempt, plan: started.plan };
  const { outcome } = started;
  if (outcome.status === "failed" && !outcome.alreadyFinal) throw new NonRetriableError(outcome.error ?? "failed");
  return { status: outcome.status, attempts: attempt };
}

/**
 * One provider call of a cell's waterfall, as its own durable step: a retry never repeats a
 * call that already answered. Rate limited: Inngest waits the provider's Retry-After
 * (RetryAfterError); transient: its backoff. On the step's last attempt the answer is kept and
 * the waterfall moves on.
 */
async function callStep(plan: WaterfallPlan, providerId: string, stepAttempt: number) {
  try {
    return await runWaterfallCall(plan, providerId, { lastAttempt: stepAttempt >= CELL_STEP_RETRIES });
  } catch (error) {
    if (error instanceof CallRetry && error.retryAfterMs !== undefined) {
      throw new RetryAfterError(error.message, Math.max(1000, error.retryAfterMs));
    }
    throw error;
  }
}

/** The steps of a cell's waterfall after its first: one per provider called, then its result. */
async function waterfallSteps(step: Step, plan: WaterfallPlan, attempt: () => number) {
  for (const providerId of callableProviders(plan)) {
    try {
      const summary = await step.run(`cell-${plan.taskId}-${providerId}`, () =>
        asBackgroundWork(() => callStep(plan, providerId, attempt())),
      );
      if (summary.stop) break;
    } catch {
      // Every retry of the call failed (its answers are recorded): the waterfall moves on.
    }
  }
  return step.run(`cell-${plan.taskId}-finish`, () =>
    asBackgroundWork(async () => {
      const outcome = await finishWaterfallCell(plan);
      return { status: outcome.status, error: outcome.error ?? null };
    }),
  );
}

/** Handed-over cells by workspace and provider, `size` at most per group, in a stable order. */
function handoverGroups(handover: Handover[], size: number) {
  const groups = new Map<string, { workspaceId: string; provider: string; taskIds: string[] }>();
  for (const h of handover) {
    const key = `${h.workspaceId}:${h.provider}`;
    const group = groups.get(key) ?? { workspaceId: h.workspaceId, provider: h.provider, taskIds: [] };
    groups.set(key, group);
    group.taskIds.push(h.taskId);
  }
  return [...groups.values()].flatMap((g) => chunked(g.taskIds, size).map((taskIds) => ({ ...g, taskIds })));
}

function chunked<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// Runs one range of a job's tasks. Small jobs: one step per cell (and per provider call of a
// cell with a recipe). Bulk jobs: one step per batch of cells (set-based SQL, waterfalls
// batched per provider; the cells the provider cache answers outright in one batch); cells
// whose next provider's rate limit is busy are handed over to the provider-calls function and
// resumed after it; the cells that failed transiently inside a batch get their second attempt
// together in batches again, after a short wait, and only those that fail again get their own
// steps with their own retries, so a failing cell never re-runs its neighbours.
// Concurrency is keyed by table, so one huge job cannot starve other tables.
export const processEnrichmentChunk = inngest.createFunction(
  {
    id: "process-enrichment-chunk",
    name: "Process enrichment chunk",
    retries: CELL_STEP_RETRIES,
    triggers: [enrichmentChunkRequested],
    concurrency: [{ key: "event.data.tableId", limit: TABLE_STEP_CONCURRENCY }, { limit: GLOBAL_STEP_CONCURRENCY }],
  },
  async ({ event, step, attempt }) => {
    const { jobId, from, to, cellsPerStep } = event.data;
    const taskIds = await step.run("load-tasks", () => asBackgroundWork(() => unfinishedTaskIds({ jobId, from, to })));

    let single = taskIds;
    let priorAttempts = 0;
    if (cellsPerStep > 1) {
      const runBatch = async (
        ids: string[],
        { resume = false, handOver = true, showRunning = true, attempt: batchAttempt = 1 } = {},
      ) => {
        const outcomes = await runCellBatch(ids, batchAttempt, {
          maxAttempts: MAX_CELL_ATTEMPTS,
          resume,
          showRunning,
          ...(handOver ? { horizonMs: HANDOVER_HORIZON_MS } : {}),
        });
        return {
          done: outcomes.filter((o) => o.status === "done").length,
          failed: outcomes.filter((o) => o.status === "failed").length,
          skipped: outcomes.filter((o) => o.status === "skipped").length,
          retry: outcomes.filter((o) => o.status === "retry" && !o.alreadyFinal).map((o) => o.taskId),
          handover: outcomes.flatMap((o) => (o.status === "handover" && o.handover ? [o.handover] : [])),
        };
      };
      // Cells a batch handed over wait for their provider in its own function (no table step
      // slot held meanwhile), then their batch goes on here; the last round waits in its step.
      // Returns the cells left to retry on their own.
      const carry = async (
        label: string,
        handover: Handover[] | undefined,
        round: number,
        batchAttempt = 1,
      ): Promise<string[]> => {
        const groups = handoverGroups(handover ?? [], cellsPerStep);
        const left = await Promise.all(
          groups.map(async ({ workspaceId, provider, taskIds: ids }, i) => {
            try {
              await step.invoke(`${label}-calls-${i}`, {
                function: callProviderForCells,
                data: { jobId, workspaceId, provider, bucket: `${workspaceId}:${provider}`, taskIds: ids },
                timeout: HANDOVER_TIMEOUT,
              });
            } catch {
              // Failed or timed out: the resumed batch calls the provider (or hands the cells over) again.
            }
            const next = await step.run(`${label}-resume-${i}`, () =>
              asBackgroundWork(async () => {
                await endCancelledCells(jobId, ids);
                // Their rows already show them running.
                return runBatch(ids, {
                  resume: true,
                  handOver: round + 1 < MAX_HANDOVER_ROUNDS,
                  showRunning: false,
                  attempt: batchAttempt,
                });
              }),
            );
            return [...next.retry, ...(await carry(`${label}-${i}`, next.handover, round + 1, batchAttempt))];
          }),
        );
        return left.flat();
      };
      // Cells the provider cache answers outright first, all in one step: with no upstream
      // call to wait for, a step per `cellsPerStep` of them would only cost overhead.
      // (The step's output keeps the shape of earlier versions, which ran them as a batch.)
      const cached = await step.run("cached-cells", () =>
        asBackgroundWork(async () => ({
          ids: await finishCachedCells(taskIds),
          retry: [] as string[],
          handover: [] as Handover[],
        })),
      );
      // One attempt of `ids` in steps of `cellsPerStep` cells (`label`-0, -1, …), their
      // handed-over cells carried on; returns the cells left to retry, one list per step.
      const inBatches = (label: string, ids: string[], batchAttempt: number) =>
        chunked(ids, cellsPerStep).map(async (batch, index) => {
          const ran = await step.run(`${label}-${index}`, () =>
            asBackgroundWork(() => runBatch(batch, { attempt: batchAttempt })),
          );
          return [...ran.retry, ...(await carry(`${label}-${index}`, ran.handover, 0, batchAttempt))];
        });
      const answered = new Set(cached.ids);
      const rest = taskIds.filter((id) => !answered.has(id));
      const batches = await Promise.all([
        carry("cached", cached.handover, 0).then((left) => [...cached.retry, ...left]),
        ...inBatches("batch", rest, 1),
      ]);
      single = batches.flat();
      priorAttempts = 1;
      // Cells left to retry, unless they ended meanwhile (their job cancelled).
      if (single.length > 0) {
        single = await step.run("cells-left", () => asBackgroundWork(() => tasksStillToRun(single)));
      }
      // Their second attempt, after a short wait, in batches like their first: a step per cell
      // for thousands of cells that failed once (a provider's bad minute, flaky_ columns) ran
      // at 3–10 cells a second and held the table's step slots for minutes, a cancelled job's
      // too. Only the cells that fail again get steps of their own.
      if (single.length > 0) {
        await step.sleep("retry-wait", RETRY_BATCH_WAIT);
        single = (await Promise.all(inBatches("retry-batch", single, 2))).flat();
        priorAttempts = 2;
        if (single.length > 0) {
          single = await step.run("cells-left-again", () => asBackgroundWork(() => tasksStillToRun(single)));
        }
      }
    }

    const settled = await Promise.allSettled(
      single.map(async (taskId) => {
        const first = await step.run(`cell-${taskId}`, () =>
          asBackgroundWork(() => cellStep(taskId, attempt, priorAttempts)),
        );
        if (first.status === "waterfall" && "plan" in first) await waterfallSteps(step, first.plan, () => attempt);
      }),
    );
    const gaveUp = single.filter((_, i) => settled[i].status === "rejected");
    if (gaveUp.length > 0) {
      // Cells the engine already recorded as failed are untouched; any other (e.g. the
      // database was down on every attempt) ends failed so the job still completes.
      await step.run("settle-failed-cells", () =>
        asBackgroundWork(() => failUnfinishedTasks(gaveUp, "The cell could not be processed after all retries")),
      );
    }
    return { jobId, from, to, cells: taskIds.length, singleCellSteps: single.length, failedSteps: gaveUp.length };
  },
);
