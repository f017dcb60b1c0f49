import type { Executor } from "./executor";
import { type Op, OpCode } from "./protocol";
import { memoizeCheckpointed } from "./step-ops";

/**
 * `POST /v1/checkpoint/<runId>/async`, the SDK's checkpointing (engine.js,
 * AsyncCheckpointing mode). When a discovery request carries `ctx.fn_id` and
 * `ctx.qi_id`, the SDK runs each new sequential step inline, reports its result here and
 * carries on in the same request, instead of answering 206 and being called again with
 * the whole memoized state. A run of N sequential steps then costs the app one request
 * instead of N+1 replays. Parallel steps, sleeps and retries are unaffected: the SDK
 * answers those with ordinary ops.
 *
 * Returns the HTTP status: 409 tells the SDK its dispatch is stale (run finished or
 * cancelled, or a request from before a restart), which makes it stop. 409 is not used
 * for a database outage: the SDK would answer its request with a non-retriable error.
 */
export async function checkpoint(ex: Executor, runId: string, body: unknown): Promise<number> {
  const b = (body ?? {}) as { qi_id?: unknown; steps?: unknown };
  const driver = ex.driver(runId);
  if (!driver || driver.run.finished || typeof b.qi_id !== "string" || driver.run.checkpointQi !== b.qi_id) return 409;
  const steps = Array.isArray(b.steps) ? (b.steps as Op[]) : [];
  for (const op of steps) {
    if (op?.op !== OpCode.StepRun || typeof op.id !== "string" || driver.run.has(op.id)) continue;
    await memoizeCheckpointed(driver, op);
  }
  // During a database outage the results above are kept, but the SDK must not run more
  // steps: a 503 makes it retry a few times, then answer the request with what it has.
  if (driver.epoch !== ex.epoch) return 503;
  return 200;
}
