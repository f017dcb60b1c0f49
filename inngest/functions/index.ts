import { callProviderForCells } from "./call-provider-for-cells";
import { compactEnrichmentTasks } from "./compact-enrichment-tasks";
import { enrichmentWatchdog } from "./enrichment-watchdog";
import { processEnrichmentChunk } from "./process-enrichment-chunk";
import { processEnrichmentJob } from "./process-enrichment-job";
import { settleCancelledJobFunction } from "./settle-cancelled-job";

export const functions = [
  processEnrichmentJob,
  processEnrichmentChunk,
  callProviderForCells,
  settleCancelledJobFunction,
  enrichmentWatchdog,
  compactEnrichmentTasks,
];
