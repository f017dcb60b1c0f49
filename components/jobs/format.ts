const time = new Intl.DateTimeFormat("en-US", { hour: "2-digit", minute: "2-digit", second: "2-digit" });

export const formatTime = (iso: string | null) => (iso ? time.format(new Date(iso)) : "—");

/** "1.4 s", "2 min 5 s": how long a job took, or has been running. */
export function formatDuration(fromIso: string | null, toIso: string | null, now = Date.now()): string {
  if (!fromIso) return "—";
  const ms = Math.max(0, (toIso ? Date.parse(toIso) : now) - Date.parse(fromIso));
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

export const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;

/** Credits as people read them: whole numbers plain, fractions to two places. */
export const formatCredits = (n: number) =>
  n.toLocaleString("en-US", { maximumFractionDigits: Number.isInteger(n) ? 0 : 2 });

/** Cells of a job that failed for real: its failed count less the cells a cancel ended. */
export const failedOf = (job: { failedTasks: number; cancelledTasks?: number }) =>
  job.failedTasks - (job.cancelledTasks ?? 0);

/**
 * Cells of the job that ended (done, failed, skipped, and those a cancel ended before they
 * ran): what its `progress` counts, so a cancelled job reaches 100 % in the grid as in the API.
 */
export const endedOf = (job: { doneTasks: number; failedTasks: number; skippedTasks: number }) =>
  job.doneTasks + job.failedTasks + job.skippedTasks;

/**
 * The columns of a job's cells by their labels, in the table's order ("Email, Company"); columns
 * deleted since are counted at the end ("Email and 1 deleted column").
 */
export function columnNamesOf(
  job: { columnIds: readonly string[] },
  columns: readonly { id: string; label: string }[],
) {
  const ids = new Set(job.columnIds.map((id) => id.toLowerCase()));
  const labels = columns.filter((column) => ids.has(column.id.toLowerCase())).map((column) => column.label);
  const deleted = ids.size - labels.length;
  if (deleted === 0) return labels.join(", ");
  const gone = deleted === 1 ? "1 deleted column" : `${deleted} deleted columns`;
  return labels.length === 0 ? gone.replace(/^1 /, "a ") : `${labels.join(", ")} and ${gone}`;
}
