import { NonRetriableError, RetryAfterError } from "inngest";
import { asBackgroundWork } from "@/lib/background";
import { failUnfinishedTasks, unfinishedTaskIds } from "@/lib/enrichment/orchestration";
import {
  CELL_STEP_RETRIES,
  cellAttempt,
  GLOBAL_STEP_CONCURRENCY,
  MAX_CELL_ATTEMPTS,
  TABLE_STEP_CONCURRENCY,
} from "@/lib/enrichment/policy";
import { runCellBatch } from "@/lib/enrichment/run-batch";
import { finishWaterfallCell, startCell } from "@/lib/enrichment/run-cell";
import { cachedTaskIds } from "@/lib/enrichment/waterfall/cached";
import { CallRetry, runWaterfallCall } from "@/lib/enrichment/waterfall/calls";
import { callableProviders } from "@/lib/enrichment/waterfall/cell";
import type { WaterfallPlan } from "@/lib/enrichment/waterfall/plan";
import { inngest } from "../client";
import { enrichmentChunkRequested } from "../events";

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

function chunked<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// Runs one range of a job's tasks. Small jobs: one step per cell (and per provider call of a
// cell with a recipe). Bulk jobs: one step per batch of cells (set-based SQL, waterfalls
// batched per provider; the cells the provider cache answers outright in one batch), then
// every cell that failed transiently inside a batch gets its own steps with their own
// retries, so a failing cell never re-runs its neighbours.
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
      const runBatch = async (ids: string[]) => {
        const outcomes = await runCellBatch(ids, 1, { maxAttempts: MAX_CELL_ATTEMPTS });
        return {
          done: outcomes.filter((o) => o.status === "done").length,
          failed: outcomes.filter((o) => o.status === "failed").length,
          skipped: outcomes.filter((o) => o.status === "skipped").length,
          retry: outcomes.filter((o) => o.status === "retry" && !o.alreadyFinal).map((o) => o.taskId),
        };
      };
      // Cells the provider cache answers outright first, all in one step: with no upstream
      // call to wait for, a step per `cellsPerStep` of them would only cost overhead.
      const cached = await step.run("cached-cells", () =>
        asBackgroundWork(async () => {
          const ids = await cachedTaskIds(taskIds);
          return { ids, retry: ids.length > 0 ? (await runBatch(ids)).retry : [] };
        }),
      );
      const answered = new Set(cached.ids);
      const rest = taskIds.filter((id) => !answered.has(id));
      const batches = await Promise.all(
        chunked(rest, cellsPerStep).map((ids, index) =>
          step.run(`batch-${index}`, () => asBackgroundWork(() => runBatch(ids))),
        ),
      );
      single = [...cached.retry, ...batches.flatMap((b) => b.retry)];
      priorAttempts = 1;
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
