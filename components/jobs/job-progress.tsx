import type { JobDto } from "@/lib/enrichment/serialize";
import { endedOf, failedOf, formatCredits, plural } from "./format";
import { JobProgressBar } from "./job-progress-bar";
import { JobStatusPill } from "./job-status-pill";

/** The strip above the grid: the running job's progress, or how the last one ended. */
export function JobProgress({ job, activeCount }: { job: JobDto | undefined; activeCount: number }) {
  if (!job) return null;
  const finished = endedOf(job);
  return (
    <section
      aria-label="Enrichment progress"
      className="flex items-center gap-4 border-b border-slate-200 bg-white px-4 py-2 text-xs text-slate-600"
    >
      <JobStatusPill status={job.status} />
      <span className="shrink-0 tabular-nums" aria-live="polite">
        <span className="font-medium text-slate-900">{job.progress}%</span> · {finished.toLocaleString("en-US")} of{" "}
        {plural(job.totalTasks, "cell")} ·{" "}
        <span className="text-emerald-700">{job.doneTasks.toLocaleString("en-US")} done</span> ·{" "}
        <span className={failedOf(job) > 0 ? "text-red-700" : undefined}>
          {failedOf(job).toLocaleString("en-US")} failed
        </span>
        {job.skippedTasks > 0 ? <> · {job.skippedTasks.toLocaleString("en-US")} skipped</> : null}
        {job.cancelledTasks > 0 ? <> · {job.cancelledTasks.toLocaleString("en-US")} cancelled</> : null}
      </span>
      <div className="min-w-24 flex-1">
        <JobProgressBar job={job} label="Job progress" />
      </div>
      <span className="shrink-0 tabular-nums" title="Credits charged to this job so far">
        {formatCredits(job.creditsSpent ?? 0)} credit{job.creditsSpent === 1 ? "" : "s"}
      </span>
      {job.budgetReached ? (
        <span role="status" className="shrink-0 rounded bg-amber-100 px-1.5 py-0.5 font-medium text-amber-800">
          Budget reached: remaining cells skipped
        </span>
      ) : null}
      {activeCount > 1 ? <span className="shrink-0 text-slate-500">{plural(activeCount, "active job")}</span> : null}
      {job.error && job.status === "pending" ? <span className="truncate text-red-700">{job.error}</span> : null}
    </section>
  );
}
