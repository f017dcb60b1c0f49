import type { JobDto } from "@/lib/enrichment/serialize";

/** Progress of a job: done + failed + skipped out of total (a native progress bar, styled). */
export function JobProgressBar({ job, label }: { job: JobDto; label: string }) {
  // Green when everything succeeded, amber when some cells failed, red when all did.
  const tone =
    job.failedTasks === 0
      ? "[&::-webkit-progress-value]:bg-emerald-500"
      : job.doneTasks === 0
        ? "[&::-webkit-progress-value]:bg-red-500"
        : "[&::-webkit-progress-value]:bg-amber-500";
  return (
    <progress
      aria-label={label}
      value={job.doneTasks + job.failedTasks + job.skippedTasks}
      max={Math.max(1, job.totalTasks)}
      className={`h-1.5 w-full overflow-hidden rounded-full [&::-webkit-progress-bar]:bg-slate-200 [&::-moz-progress-bar]:bg-emerald-500 ${tone} [&::-webkit-progress-value]:transition-all`}
    />
  );
}
