import { asBackgroundWork } from "@/lib/background";
import { planChunks, recordJobFailure, startJob } from "@/lib/enrichment/orchestration";
import {
  FAN_OUT_EVENTS_PER_STEP,
  JOB_STEP_RETRIES,
  JobErrorCode,
  TABLE_FAN_OUT_CONCURRENCY,
} from "@/lib/enrichment/policy";
import { inngest } from "../client";
import { enrichmentChunkRequested, enrichmentRequested } from "../events";

// Starts a job and fans it out into chunk runs (one event per range of tasks), so even a
// 2,000,000-cell job stays within Inngest's limits of steps per run and state per run; the
// events go out FAN_OUT_EVENTS_PER_STEP per step, within Inngest's limits per request.
// The job is finished by its last cell (the engine counts every task exactly once).
export const processEnrichmentJob = inngest.createFunction(
  {
    id: "process-enrichment-job",
    name: "Process enrichment job",
    retries: JOB_STEP_RETRIES,
    triggers: [enrichmentRequested],
    concurrency: [{ key: "event.data.tableId", limit: TABLE_FAN_OUT_CONCURRENCY }],
  },
  async ({ event, step }) => {
    const { jobId, tableId } = event.data;
    const job = await step.run("start-job", () => asBackgroundWork(() => startJob({ jobId })));
    if (!job.runnable) return { jobId, skipped: `job is ${job.status}` };

    const chunks = planChunks(job.totalTasks);
    try {
      for (let first = 0; first < chunks.length; first += FAN_OUT_EVENTS_PER_STEP) {
        await step.sendEvent(
          first === 0 ? "fan-out-chunks" : `fan-out-chunks-${first}`,
          chunks.slice(first, first + FAN_OUT_EVENTS_PER_STEP).map((chunk) =>
            enrichmentChunkRequested.create(
              { jobId, tableId, ...chunk },
              // Stable ids: a retried fan-out does not start the same chunk twice.
              { id: `enrichment-${jobId}-${chunk.from}` },
            ),
          ),
        );
      }
    } catch (error) {
      const message = `Could not fan out the job: ${error instanceof Error ? error.message : String(error)}`;
      await step.run("record-fan-out-failure", () =>
        asBackgroundWork(() => recordJobFailure({ jobId, code: JobErrorCode.fanOutFailed, error: message })),
      );
      throw error;
    }
    return { jobId, chunks: chunks.length, cellsPerStep: chunks[0]?.cellsPerStep ?? 0 };
  },
);
