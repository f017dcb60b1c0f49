import type { JobDto } from "@/lib/enrichment/serialize";
import { endedOf, failedOf } from "./format";

/**
 * Progress of a job: its ended cells out of total (the API's `progress`), as a native progress
 * bar, styled. A cancelled job's bar is grey, not a green one that reads as success.
 */
export function JobProgressBar({ job, label }: { job: JobDto; label: string }) {
  // Green when everything that ran succeeded, amber when some cells failed, red when all did.
  const tone =
    job.status === "cancelled"
      ? "[&::-webkit-progress-value]:bg-slate-400"
      : failedOf(job) === 0
        ? "[&::-webkit-progress-value]:bg-emerald-500"
        : job.doneTasks === 0
          ? "[&::-webkit-progress-value]:bg-red-500"
          : "[&::-webkit-progress-value]:bg-amber-500";
  return (
    <progress
      aria-label={label}
      value={endedOf(job)}
      max={Math.max(1, job.totalTasks)}
      className={`h-1.5 w-full overflow-hidden rounded-full [&::-webkit-progress-bar]:bg-slate-200 [&::-moz-progress-bar]:bg-emerald-500 ${tone} [&::-webkit-progress-value]:transition-all`}
    />
  );
}
