import { asBackgroundWork } from "@/lib/background";
import { settleCancelledJob } from "@/lib/enrichment/jobs";
import { inngest } from "../client";
import { enrichmentCancelled } from "../events";

/** Steps of up to ~5 s of settling each; a million queued cells take a few dozen. */
const STEP_BUDGET_MS = 5_000;
const MAX_STEPS = 500;

// Ends the queued cells of a cancelled job that the cancel request did not reach, in bounded
// batches, one durable step per few seconds of work, until none are left.
export const settleCancelledJobFunction = inngest.createFunction(
  {
    id: "settle-cancelled-job",
    name: "Settle a cancelled job",
    retries: 3,
    triggers: [enrichmentCancelled],
    concurrency: [{ key: "event.data.jobId", limit: 1 }],
  },
  async ({ event, step }) => {
    const { jobId } = event.data;
    for (let i = 0; i < MAX_STEPS; i++) {
      const more = await step.run(`settle-${i}`, () =>
        asBackgroundWork(() => settleCancelledJob({ jobId, budgetMs: STEP_BUDGET_MS })),
      );
      if (!more) return { jobId, steps: i + 1 };
    }
    return { jobId, steps: MAX_STEPS, unfinished: true };
  },
);
