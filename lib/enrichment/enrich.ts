import { getDb } from "../db";
import { createEnrichmentJob } from "./create-job";
import { type DispatchResult, dispatchJob, type JobDispatcher } from "./dispatch";
import { getJob } from "./jobs";
import type { Selection } from "./schemas";

export type EnrichResponse = {
  jobId: string;
  tableId: string;
  status: "pending";
  totalTasks: number;
  message: string;
  /** Present when the job was created but the orchestrator could not be reached. */
  error?: string;
};

function summarize(total: number, dispatch: DispatchResult) {
  const created = `Created ${total} enrichment task${total === 1 ? "" : "s"}`;
  return dispatch.dispatched ? created : `${created}. ${dispatch.error}`;
}

/** POST /enrich: create the job and its tasks in one transaction, then hand it to the orchestrator. */
export async function enrichSelection(
  { tableId, selection, dispatcher }: { tableId: string; selection: Selection; dispatcher: JobDispatcher },
  db = getDb(),
): Promise<EnrichResponse> {
  const job = await createEnrichmentJob({ tableId, selection }, db);
  const dispatch = await dispatchJob(job, dispatcher, db);
  return {
    ...job,
    message: summarize(job.totalTasks, dispatch),
    ...(dispatch.dispatched ? {} : { error: dispatch.error }),
  };
}

/** Re-sends a job that is still pending (e.g. the orchestrator was down when it was created). */
export async function redispatchJob(
  { tableId, jobId, dispatcher }: { tableId: string; jobId: string; dispatcher: JobDispatcher },
  db = getDb(),
) {
  const job = await getJob({ tableId, jobId }, db);
  if (job.status !== "pending") return { ...job, message: `The job is already ${job.status}` };
  const dispatch = await dispatchJob({ jobId, tableId, status: "pending", totalTasks: job.totalTasks }, dispatcher, db);
  return { ...(await getJob({ tableId, jobId }, db)), message: summarize(job.totalTasks, dispatch) };
}
