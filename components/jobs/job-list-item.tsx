"use client";

import type { JobDto } from "@/lib/client/fetchers";
import { failedOf, formatCredits, formatDuration, formatTime, plural } from "./format";
import { JobProgressBar } from "./job-progress-bar";
import { JobStatusPill } from "./job-status-pill";
import { JobTasks } from "./job-tasks";
import { useNow } from "./use-now";

const isActive = (job: JobDto) => job.status === "pending" || job.status === "running";

export function JobListItem({
  tableId,
  job,
  columnNames,
  open,
  busy,
  cancelling = false,
  onToggle,
  onCancel,
  onRetry,
}: {
  tableId: string;
  job: JobDto;
  /** The columns its cells are in, as a person reads them ("Email, Company"). */
  columnNames: string;
  open: boolean;
  busy: boolean;
  /** The cancel request is on its way: the button says so. */
  cancelling?: boolean;
  onToggle: () => void;
  onCancel: () => void;
  /** Absent once the job's failed cells were retried: no Retry is offered. */
  onRetry?: () => void;
}) {
  const name = `Job of ${formatTime(job.createdAt)}`;
  const now = useNow(isActive(job));
  return (
    <li aria-label={name} data-job-id={job.jobId} className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <div className="space-y-2 p-3">
        <div className="flex items-center gap-2">
          <JobStatusPill status={job.status} />
          <button
            type="button"
            onClick={onToggle}
            aria-expanded={open}
            className="text-sm font-medium text-slate-800 hover:underline"
          >
            {plural(job.totalTasks, "cell")} · {formatTime(job.createdAt)}
          </button>
          <span className="ml-auto text-xs tabular-nums text-slate-500">{job.progress}%</span>
        </div>
        {columnNames ? (
          <p className="truncate text-xs text-slate-600" title={columnNames}>
            <span className="sr-only">Columns: </span>
            {columnNames}
          </p>
        ) : null}
        <JobProgressBar job={job} label={`${name} progress`} />
        <dl className="grid grid-cols-3 gap-2 text-xs text-slate-500">
          <div>
            <dt className="sr-only">Done</dt>
            <dd className="text-emerald-700">{job.doneTasks.toLocaleString("en-US")} done</dd>
          </div>
          <div>
            <dt className="sr-only">Failed, skipped and cancelled</dt>
            <dd className={failedOf(job) > 0 ? "text-red-700" : undefined}>
              {failedOf(job).toLocaleString("en-US")} failed
              {job.skippedTasks > 0 ? `, ${job.skippedTasks.toLocaleString("en-US")} skipped` : ""}
              {job.cancelledTasks > 0 ? `, ${job.cancelledTasks.toLocaleString("en-US")} cancelled` : ""}
            </dd>
          </div>
          <div className="text-right">
            <dt className="sr-only">Duration</dt>
            <dd title={`started ${formatTime(job.startedAt)}, ended ${formatTime(job.completedAt)}`}>
              {formatDuration(job.startedAt ?? job.createdAt, job.completedAt, now)}
            </dd>
          </div>
        </dl>
        <p className="flex items-center gap-2 text-xs text-slate-600">
          <span title="Credits spent" className="tabular-nums">
            {formatCredits(job.creditsSpent)} credit{job.creditsSpent === 1 ? "" : "s"}
            {job.maxCredits !== null ? ` of ${formatCredits(job.maxCredits)} max` : ""}
          </span>
          {job.budgetReached ? (
            <span className="rounded bg-amber-100 px-1.5 py-0.5 font-medium text-amber-800">Budget reached</span>
          ) : null}
        </p>
        {job.status === "cancelled" && job.unfinishedTasks > 0 ? (
          <p className="text-xs text-slate-600" role="status">
            {plural(job.unfinishedTasks, "cell")} under way when it was cancelled still finishing
          </p>
        ) : null}
        {job.error ? <p className="text-xs text-red-700">{job.error}</p> : null}
        <div className="flex gap-2">
          {isActive(job) ? (
            <button
              type="button"
              disabled={busy}
              onClick={onCancel}
              className="rounded-md border border-slate-300 px-2.5 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-50"
            >
              {cancelling ? "Cancelling…" : "Cancel job"}
            </button>
          ) : null}
          {!isActive(job) && (failedOf(job) > 0 || job.budgetReached) && onRetry ? (
            <button
              type="button"
              disabled={busy}
              onClick={onRetry}
              className="rounded-md border border-slate-300 px-2.5 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-50"
            >
              {retryLabel(job)}
            </button>
          ) : null}
          <button type="button" onClick={onToggle} className="ml-auto text-xs text-slate-500 hover:text-slate-800">
            {open ? "Hide tasks" : "Show tasks"}
          </button>
        </div>
      </div>
      {open ? <JobTasks tableId={tableId} job={job} /> : null}
    </li>
  );
}

/** What Retry runs again: the cells that failed, and those a budget stopped (they did not run). */
function retryLabel(job: JobDto): string {
  const failed = failedOf(job);
  if (!job.budgetReached) return `Retry ${plural(failed, "failed cell")}`;
  return failed > 0
    ? `Retry ${plural(failed, "failed cell")} and those the budget skipped`
    : "Run the cells the budget skipped";
}
