import { processEnrichmentChunk } from "./process-enrichment-chunk";
import { processEnrichmentJob } from "./process-enrichment-job";

export const functions = [processEnrichmentJob, processEnrichmentChunk];
