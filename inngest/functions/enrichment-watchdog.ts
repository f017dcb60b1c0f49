import { asBackgroundWork } from "@/lib/background";
import { WATCHDOG_CRON } from "@/lib/enrichment/policy";
import { superviseJobs } from "@/lib/enrichment/watchdog";
import { inngest } from "../client";
import { enrichmentCancelled, enrichmentChunkRequested, enrichmentRequested, watchdogRequested } from "../events";

// Every minute (or on request): finds jobs that stopped moving and sends what gets each going
// again, with event ids of their own so an event Inngest already saw is not deduplicated away.
export const enrichmentWatchdog = inngest.createFunction(
  {
    id: "enrichment-watchdog",
    name: "Enrichment watchdog",
    retries: 2,
    triggers: [{ cron: WATCHDOG_CRON }, watchdogRequested],
    concurrency: [{ limit: 1 }],
  },
  async ({ step }) => {
    const report = await step.run("supervise-jobs", () => asBackgroundWork(() => superviseJobs()));
    const events: (
      | ReturnType<typeof enrichmentRequested.create>
      | ReturnType<typeof enrichmentCancelled.create>
      | ReturnType<typeof enrichmentChunkRequested.create>
    )[] = [];
    for (const r of report.redrives) {
      if (r.kind === "start") {
        const data = { jobId: r.jobId, tableId: r.tableId, totalTasks: r.totalTasks };
        events.push(enrichmentRequested.create(data, { id: `enrichment-${r.jobId}-${r.suffix}` }));
      } else if (r.kind === "settle") {
        const data = { jobId: r.jobId, tableId: r.tableId };
        events.push(enrichmentCancelled.create(data, { id: `enrichment-cancel-${r.jobId}-${r.suffix}` }));
      } else {
        for (const chunk of r.chunks) {
          const data = { jobId: r.jobId, tableId: r.tableId, ...chunk };
          events.push(enrichmentChunkRequested.create(data, { id: `enrichment-${r.jobId}-${chunk.from}-${r.suffix}` }));
        }
      }
    }
    if (events.length > 0) await step.sendEvent("redrive-jobs", events);
    return {
      redriven: report.redrives.map((r) => r.jobId),
      gaveUp: report.gaveUp,
      settled: report.settled,
      events: events.length,
    };
  },
);
