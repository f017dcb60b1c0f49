import { CANCELLED_ERROR } from "@/lib/enrichment/task-errors";
import type { CellHistoryDto } from "./fetchers";

/**
 * What the panel's summary says of a cell no run found a value for: its latest run's end. A
 * run its job's cancel ended before it ran gave the cell back its state before that run, so
 * the summary is of the run before it (the cancelled run stays listed below).
 */
export function noSourceText(history: CellHistoryDto["history"]): string {
  const cancelled = (run: CellHistoryDto["history"][number]) =>
    run.status === "failed" && run.error === CANCELLED_ERROR;
  const latest = history.find((run) => !cancelled(run));
  if (!latest) return history.length > 0 ? "Cancelled: its job was cancelled before this cell ran" : "Not enriched yet";
  const why = latest.error ? `: ${latest.error}` : "";
  switch (latest.status) {
    case "queued":
      return "Queued for enrichment";
    case "running":
      return "Being enriched";
    case "failed":
      return `The last run failed${why}`;
    case "skipped":
      return `The last run was skipped${why}`;
    default:
      return `The last run ended ${latest.status}${why}`;
  }
}
