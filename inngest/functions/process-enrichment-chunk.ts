import { NonRetriableError } from "inngest";
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
import { runCellTask } from "@/lib/enrichment/run-cell";
import { inngest } from "../client";
import { enrichmentChunkRequested } from "../events";

/**
 * One durable step for one cell. A transient provider error throws, so Inngest retries
 * just this step with backoff; a permanent error (or the last attempt) is recorded as
 * failed by the engine and reported as NonRetriableError. `priorAttempts` counts attempts
 * the cell already had inside a batch step.
 */
async function cellStep(taskId: string, stepAttempt: number, priorAttempts: number) {
  const attempt = cellAttempt({ priorAttempts, stepAttempt });
  const outcome = await runCellTask(taskId, attempt, { maxAttempts: MAX_CELL_ATTEMPTS });
  if (outcome.status === "failed" && !outcome.alreadyFinal) throw new NonRetriableError(outcome.error ?? "failed");
  return { status: outcome.status, attempts: attempt };
}

function chunked<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// Runs one range of a job's tasks. Small jobs: one step per cell. Bulk jobs: one step per
// batch of cells (set-based SQL), then every cell that failed transiently inside a batch
// gets its own step with its own retries, so a failing cell never re-runs its neighbours.
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
      const batches = await Promise.all(
        chunked(taskIds, cellsPerStep).map((ids, index) =>
          step.run(`batch-${index}`, async () => {
            const outcomes = await asBackgroundWork(() => runCellBatch(ids, 1, { maxAttempts: MAX_CELL_ATTEMPTS }));
            return {
              done: outcomes.filter((o) => o.status === "done").length,
              failed: outcomes.filter((o) => o.status === "failed").length,
              retry: outcomes.filter((o) => o.status === "retry" && !o.alreadyFinal).map((o) => o.taskId),
            };
          }),
        ),
      );
      single = batches.flatMap((b) => b.retry);
      priorAttempts = 1;
    }

    const settled = await Promise.allSettled(
      single.map((taskId) =>
        step.run(`cell-${taskId}`, () => asBackgroundWork(() => cellStep(taskId, attempt, priorAttempts))),
      ),
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
