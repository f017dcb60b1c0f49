import { asBackgroundWork } from "@/lib/background";
import { CELL_STEP_RETRIES, PROVIDER_CALLS_CONCURRENCY } from "@/lib/enrichment/policy";
import { callHandedOver } from "@/lib/enrichment/waterfall/handover";
import { inngest } from "../client";
import { providerCallsInvoked } from "../events";

// Calls one rate-limited provider for cells a chunk's batches handed over (see
// lib/enrichment/waterfall/handover.ts), waiting for its rate limit inside the step. Its
// concurrency is keyed by workspace and provider, so that wait holds none of the table's step
// slots, and two runs per bucket keep the provider busy (one waits for slots while the other
// records). Repeating it calls nobody twice: cells that already have this provider's answer are
// left out.
export const callProviderForCells = inngest.createFunction(
  {
    id: "call-provider-for-cells",
    name: "Call a rate-limited provider for handed-over cells",
    retries: CELL_STEP_RETRIES,
    triggers: [providerCallsInvoked],
    concurrency: [{ key: "event.data.bucket", limit: PROVIDER_CALLS_CONCURRENCY }],
  },
  async ({ event, step }) => {
    const { jobId, taskIds, provider } = event.data;
    return step.run("calls", () => asBackgroundWork(() => callHandedOver({ jobId, taskIds, provider })));
  },
);
