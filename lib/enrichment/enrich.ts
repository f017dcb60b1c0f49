import "server-only";
import { getDb } from "../db";
import { type CreatedJob, createEnrichmentJob, type StartedBy } from "./create-job";
import { type DispatchResult, dispatchJob } from "./dispatch-job";
import { getJob, retryCostsOf } from "./jobs";
import type { Orchestrator } from "./orchestrator";
import { refuseReadersWithTheirSources } from "./read-order";
import type { JobCostOptions, Selection } from "./schemas";

export type EnrichResponse = {
  jobId: string;
  tableId: string;
  status: "pending";
  totalTasks: number;
  message: string;
  /** Present when the job was created but the orchestrator could not be reached. */
  error?: string;
};

export type RetryResponse = EnrichResponse & { retryOf: string };

function summarize(total: number, dispatch: DispatchResult, what = "") {
  const created = `Created ${total} enrichment task${total === 1 ? "" : "s"}${what}`;
  return dispatch.dispatched ? created : `${created}. ${dispatch.error}`;
}

/** Hands a created job to the orchestrator and says what happened, in the API's words. */
async function handOver(job: CreatedJob, orchestrator: Orchestrator, db: ReturnType<typeof getDb>, what = "") {
  const dispatch = await dispatchJob(job, orchestrator, db);
  return {
    ...job,
    message: summarize(job.totalTasks, dispatch, what),
    ...(dispatch.dispatched ? {} : { error: dispatch.error }),
  };
}

/** POST /enrich: create the job and its tasks in one transaction, then hand it to the orchestrator. */
export async function enrichSelection(
  {
    tableId,
    selection,
    startedBy,
    orchestrator,
    costs,
  }: {
    tableId: string;
    selection: Selection;
    startedBy: StartedBy;
    orchestrator: Orchestrator;
    costs?: JobCostOptions;
  },
  db = getDb(),
): Promise<EnrichResponse> {
  await refuseReadersWithTheirSources(tableId, selection, db);
  const job = await createEnrichmentJob({ tableId, source: selection, startedBy, costs }, db);
  return handOver(job, orchestrator, db);
}

/** POST .../retry: a new job for the cells of `jobId` that ended failed (cancelled ones included). */
export async function retryFailedCells(
  {
    tableId,
    jobId,
    startedBy,
    orchestrator,
  }: { tableId: string; jobId: string; startedBy: StartedBy; orchestrator: Orchestrator },
  db = getDb(),
): Promise<RetryResponse> {
  const costs = await retryCostsOf({ tableId, jobId }); // 404 for a job of another table
  const job = await createEnrichmentJob({ tableId, source: { mode: "retry", jobId }, startedBy, costs }, db);
  return { ...(await handOver(job, orchestrator, db, " to retry the failed cells")), retryOf: jobId };
}

/** Re-sends a job that is still pending (e.g. the orchestrator was down when it was created). */
export async function redispatchJob(
  { tableId, jobId, orchestrator }: { tableId: string; jobId: string; orchestrator: Orchestrator },
  db = getDb(),
) {
  const job = await getJob({ tableId, jobId });
  if (job.status !== "pending") return { ...job, message: `The job is already ${job.status}` };
  const dispatch = await dispatchJob(
    { jobId, tableId, status: "pending", totalTasks: job.totalTasks },
    orchestrator,
    db,
  );
  return { ...(await getJob({ tableId, jobId })), message: summarize(job.totalTasks, dispatch) };
}
