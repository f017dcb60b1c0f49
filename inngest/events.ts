import { eventType, invoke } from "inngest";
import { z } from "zod";

// Every event Glaze sends, each with its schema. Names read scope/noun.verb.

/** Sent by POST /enrich once the job and its tasks are committed. */
export const enrichmentRequested = eventType("glaze/enrichment.requested", {
  schema: z.object({
    jobId: z.string().uuid(),
    tableId: z.string().uuid(),
    totalTasks: z.number().int().min(1),
  }),
});

/** One slice of a job (tasks with ordinal in [from, to]), fanned out by the job function. */
export const enrichmentChunkRequested = eventType("glaze/enrichment.chunk.requested", {
  schema: z.object({
    jobId: z.string().uuid(),
    tableId: z.string().uuid(),
    from: z.number().int().min(1),
    to: z.number().int().min(1),
    /** Cells handled per step: 1 = one durable step per cell. */
    cellsPerStep: z.number().int().min(1).max(500),
  }),
});

/**
 * Cells of a chunk handed over to wait for one provider's rate limit (step.invoke from the
 * chunk function). `bucket` ("workspaceId:provider") keys the function's concurrency.
 */
export const providerCallsInvoked = invoke(
  z.object({
    jobId: z.string().uuid(),
    workspaceId: z.string().min(1),
    provider: z.string().min(1),
    bucket: z.string().min(1),
    taskIds: z.array(z.string().uuid()).min(1).max(500),
  }),
);

/** A cancelled job still has queued cells to settle (the cancel request settled what it could). */
export const enrichmentCancelled = eventType("glaze/enrichment.cancelled", {
  schema: z.object({ jobId: z.string().uuid(), tableId: z.string().uuid() }),
});

/** Runs the watchdog now (it also runs every minute). */
export const watchdogRequested = eventType("glaze/enrichment.watchdog.requested", { schema: z.object({}) });

/** Runs the retention pass over old jobs' tasks now (it also runs once a day). */
export const compactionRequested = eventType("glaze/enrichment.compaction.requested", { schema: z.object({}) });
