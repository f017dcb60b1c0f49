import "server-only";
import { STALE_RESERVATION_MS, sweepStaleReservations } from "../costs/ledger";
import { env } from "../env";
import { settleCancelledJob } from "./jobs";
import { type ChunkPlan, planChunks } from "./orchestration";
import { cellsPerStepFor, chunkSizeFor, MAX_REDRIVES, SETTLE_BATCH, WATCHDOG_STALL_SECONDS } from "./policy";
import {
  claimRedrive,
  failRemainingTasks,
  finalizeJobs,
  finishKeyRemovals,
  readStalledJobs,
  readUnfinishedChunks,
} from "./store";

// The watchdog: whatever happened to the orchestrator (a lost event, a run that died with the
// database, a dev server killed mid-job), a job that stopped moving is driven again, and one
// that keeps stalling ends with its remaining cells failed. No job stays unfinished for ever.
// Re-driven cells go through the same costs layer as any other (each paid call reserves
// against its job's and its workspace's budgets first), so a re-drive never spends past a
// budget; credits held by reservations of steps that died are given back here.

/** What the orchestrator must send to get a stalled job moving; `suffix` keeps event ids new. */
export type Redrive =
  | { kind: "start"; jobId: string; tableId: string; totalTasks: number; suffix: string }
  | { kind: "chunks"; jobId: string; tableId: string; chunks: ChunkPlan[]; suffix: string }
  | { kind: "settle"; jobId: string; tableId: string; suffix: string };

export type WatchdogReport = { redrives: Redrive[]; gaveUp: string[]; settled: string[] };

const JOBS_PER_PASS = 50;
const GIVE_UP_REASON = "The cell could not be processed: the orchestrator kept stalling on this job";

function stallSeconds() {
  return env.watchdogStallSeconds ?? WATCHDOG_STALL_SECONDS;
}

/** Ends every unfinished cell of a job in bounded batches, then the job itself. */
async function giveUp(jobId: string) {
  while ((await failRemainingTasks({ jobId, reason: GIVE_UP_REASON, limit: SETTLE_BATCH })) === SETTLE_BATCH) {}
  await finalizeJobs([jobId]);
}

/** The unfinished ranges of a running job, as the chunks it was planned in. */
async function unfinishedChunks(jobId: string, totalTasks: number): Promise<ChunkPlan[]> {
  const cellsPerStep = cellsPerStepFor(totalTasks);
  const planned = planChunks(totalTasks, { cellsPerStep });
  const left = new Set(await readUnfinishedChunks({ jobId, chunkSize: chunkSizeFor(cellsPerStep) }));
  return planned.filter((_, index) => left.has(index));
}

/**
 * Finds the jobs that made no progress for the stall period and decides, for each, what gets
 * it moving. Cancelled jobs with unsettled cells are settled here (bounded work); jobs
 * re-driven MAX_REDRIVES times already are given up on here. The rest is returned for the
 * orchestrator to send.
 */
export async function superviseJobs({ stalledForSeconds = stallSeconds() } = {}): Promise<WatchdogReport> {
  const report: WatchdogReport = { redrives: [], gaveUp: [], settled: [] };
  await sweepStaleReservations(STALE_RESERVATION_MS);
  // A deleted column's values left in rows by a request that died (forget-column.ts).
  await finishKeyRemovals();
  for (const job of await readStalledJobs({ stalledForSeconds, limit: JOBS_PER_PASS })) {
    const redrive = await claimRedrive({ jobId: job.id, seen: job.redriveCount });
    if (redrive === undefined) continue; // another watchdog took it
    const suffix = `r${redrive}`;
    if (job.status === "cancelled") {
      if (await settleCancelledJob({ jobId: job.id, budgetMs: 2_000 })) {
        report.redrives.push({ kind: "settle", jobId: job.id, tableId: job.tableId, suffix });
      } else report.settled.push(job.id);
    } else if (redrive > MAX_REDRIVES) {
      await giveUp(job.id);
      report.gaveUp.push(job.id);
    } else if (job.status === "pending") {
      report.redrives.push({ kind: "start", jobId: job.id, tableId: job.tableId, totalTasks: job.totalTasks, suffix });
    } else {
      const chunks = await unfinishedChunks(job.id, job.totalTasks);
      if (chunks.length > 0)
        report.redrives.push({ kind: "chunks", jobId: job.id, tableId: job.tableId, chunks, suffix });
      else await finalizeJobs([job.id]); // every task is final: the job only missed its end
    }
  }
  return report;
}
