import "server-only";
import type { Tx } from "../db";
import { isActiveJob, type JobDto, serializeJob } from "../enrichment/serialize";
import { type JobRecord, readJob, readJobs } from "../enrichment/store";

// The jobs a table's hub reports: the newest ones and any job a stream watches, read through
// the store's job reads. A job is reported when its state differs from the last report, so a
// burst of finished cells becomes one progress event per read, and its end is always one.

/** How many of the newest jobs a read covers (the grid's jobs list shows 20). */
const NEWEST = 20;

export type ReportedJob = { job: JobDto; json: string };

export class JobTracker {
  private readonly last = new Map<string, ReportedJob>();
  private readonly watched = new Map<string, number>();
  private initialised = false;
  private stale = true;
  /** Counts hints, so a read that started before one does not count as having seen it. */
  private generation = 0;

  /** A hint that some job's status or error changed, or a new one exists. */
  markStale() {
    this.stale = true;
    this.generation++;
  }

  /** Whether the next read must include jobs: after a jobs hint, or while any job moves. */
  needsRead(cellsChanged: boolean) {
    return this.stale || !this.initialised || (cellsChanged && this.hasActive());
  }

  watch(jobId: string) {
    this.watched.set(jobId, (this.watched.get(jobId) ?? 0) + 1);
    this.markStale();
  }

  unwatch(jobId: string) {
    const count = (this.watched.get(jobId) ?? 1) - 1;
    if (count > 0) this.watched.set(jobId, count);
    else this.watched.delete(jobId);
  }

  /** Reads the jobs to report; pass the result to `apply`. */
  async read(tableId: string, tx?: Tx): Promise<{ jobs: JobRecord[]; generation: number }> {
    const generation = this.generation;
    const { jobs } = await readJobs({ tableId, limit: NEWEST, offset: 0 }, tx);
    const seen = new Set(jobs.map((j) => j.id));
    // Jobs still moving or watched that have dropped out of the newest few.
    for (const jobId of new Set([...this.watched.keys(), ...this.activeIds()])) {
      if (seen.has(jobId)) continue;
      const job = await readJob({ tableId, jobId }, tx);
      if (job) jobs.push(job);
    }
    return { jobs, generation };
  }

  /**
   * Records a read and returns the jobs whose state changed since the last one, oldest first
   * (none on the first read: clients that join take the moving jobs from `active`).
   */
  apply({ jobs: records, generation }: { jobs: JobRecord[]; generation: number }): ReportedJob[] {
    const first = !this.initialised;
    this.initialised = true;
    if (generation === this.generation) this.stale = false;
    const changed: ReportedJob[] = [];
    const current = new Map<string, ReportedJob>();
    for (const record of [...records].reverse()) {
      const job = serializeJob(record);
      const json = JSON.stringify(job);
      const previous = this.last.get(job.jobId);
      const reported = previous?.json === json ? previous : { job, json };
      if (reported !== previous && !first) changed.push(reported);
      current.set(job.jobId, reported);
    }
    // What the read covered (the newest jobs, the moving and the watched ones) is all that
    // needs remembering; a job that left it has ended and was reported then.
    this.last.clear();
    for (const [jobId, reported] of current) this.last.set(jobId, reported);
    return changed;
  }

  /** For a client that joins: every moving job, and those of `jobIds` (whose cells it is sent). */
  reportFor(jobIds: Set<string>): ReportedJob[] {
    return [...this.last.values()].filter((r) => isActiveJob(r.job) || jobIds.has(r.job.jobId));
  }

  get(jobId: string): ReportedJob | undefined {
    return this.last.get(jobId);
  }

  get ready() {
    return this.initialised && !this.stale;
  }

  private hasActive() {
    return this.moving || this.watched.size > 0;
  }

  /** Whether a job it reported last is still pending or running (its numbers can move). */
  get moving() {
    for (const { job } of this.last.values()) if (isActiveJob(job)) return true;
    return false;
  }

  private activeIds() {
    return [...this.last.values()].filter((r) => isActiveJob(r.job)).map((r) => r.job.jobId);
  }
}
