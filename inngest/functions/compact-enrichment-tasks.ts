import { asBackgroundWork } from "@/lib/background";
import { type CompactionCursor, type CompactionStep, compactTasksStep } from "@/lib/enrichment/compaction";
import { COMPACTION_CRON } from "@/lib/enrichment/policy";
import { purgeDeletedRows } from "@/lib/rows/rows";
import { inngest } from "../client";
import { compactionRequested } from "../events";

/** Each step looks at up to COMPACTION_STEP_TASKS tasks (a few seconds); a pass stops after this many. */
const MAX_STEPS = 400;

// Once a day (or on request): deletes the superseded tasks of jobs that ended longer ago than
// the retention period, one durable step per bounded slice of work, the cursor carried from
// step to step. One pass at a time: two would only walk the same jobs. A pass cut short by
// MAX_STEPS leaves its unfinished jobs due, and the next pass takes them up. The same pass
// purges deleted rows kept past DELETED_ROWS_KEPT_DAYS for restoring.
export const compactEnrichmentTasks = inngest.createFunction(
  {
    id: "compact-enrichment-tasks",
    name: "Compact old enrichment tasks",
    retries: 3,
    triggers: [{ cron: COMPACTION_CRON }, compactionRequested],
    concurrency: [{ limit: 1 }],
  },
  async ({ step }) => {
    let purged = 0;
    for (let i = 0; i < MAX_STEPS; i++) {
      const batch = await step.run(`purge-deleted-rows-${i}`, () => asBackgroundWork(() => purgeDeletedRows()));
      purged += batch.purged;
      if (!batch.more) break;
    }
    let cursor: CompactionCursor | null = null;
    const total = { jobs: 0, examined: 0, deleted: 0, purgedRows: purged };
    for (let i = 0; i < MAX_STEPS; i++) {
      const current: CompactionCursor | null = cursor;
      const done: CompactionStep = await step.run(
        `compact-${i}`,
        (): Promise<CompactionStep> => asBackgroundWork(() => compactTasksStep({ cursor: current })),
      );
      total.jobs += done.jobs;
      total.examined += done.examined;
      total.deleted += done.deleted;
      if (done.finished) return { ...total, steps: i + 1 };
      cursor = done.cursor;
    }
    return { ...total, steps: MAX_STEPS, unfinished: true };
  },
);
