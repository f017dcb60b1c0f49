"use client";

import { useMutation, useQueries, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { type ColumnDto, type EstimateDto, fetchers, type JobDto } from "@/lib/client/fetchers";
import { ApiError } from "@/lib/client/http";
import { queryKeys } from "@/lib/client/query-keys";
import { isActiveJob } from "@/lib/enrichment/serialize";
import { ConfirmEnrichDialog } from "../grid/confirm-enrich-dialog";
import { useToast } from "../ui/toast-provider";
import { columnNamesOf, failedOf } from "./format";
import { JobListItem } from "./job-list-item";

/** The table's jobs, newest first; open one for its tasks; cancel or retry from here. */
export function JobsPanel({
  tableId,
  columns,
  jobs,
  loading,
  onClose,
}: {
  tableId: string;
  /** The table's columns (hidden ones too), to name each job's. */
  columns: ColumnDto[];
  jobs: JobDto[];
  loading: boolean;
  onClose: () => void;
}) {
  const client = useQueryClient();
  const toast = useToast();
  const [openJob, setOpenJob] = useState<string | null>(null);
  // Jobs whose failed cells were retried (or that had none left): their Retry is not offered again.
  const [retried, setRetried] = useState<ReadonlySet<string>>(new Set());
  const markRetried = (jobId: string) => setRetried((current) => new Set(current).add(jobId));
  const refresh = () => client.invalidateQueries({ queryKey: queryKeys.jobs(tableId) });

  // Whether each ended job with failed (or budget-stopped) cells still has any to retry: a
  // later run of its cells (a whole column run again) leaves none, and its Retry would only
  // answer 409. Asked again whenever the table's newest job starts or ends.
  const generation = jobs[0] ? `${jobs[0].jobId}:${jobs[0].status}:${jobs[0].unfinishedTasks === 0}` : "";
  const retryCandidates = jobs.filter(
    (job) => !retried.has(job.jobId) && !job.retriedAt && !isActiveJob(job) && (failedOf(job) > 0 || job.budgetReached),
  );
  const retryable = useQueries({
    queries: retryCandidates.map((job) => ({
      queryKey: queryKeys.retryable(tableId, job.jobId, generation),
      // A failure leaves the button, whose click tells what went wrong.
      queryFn: () =>
        fetchers.retryableCells(tableId, job.jobId).then(
          ({ cells }) => cells,
          () => null,
        ),
      staleTime: Number.POSITIVE_INFINITY,
      retry: false,
    })),
  });
  const nothingToRetry = new Set(retryCandidates.filter((_, i) => retryable[i]?.data === 0).map((job) => job.jobId));

  const cancel = useMutation({
    meta: { errorTitle: "Could not cancel the job" },
    mutationFn: (jobId: string) => fetchers.cancelJob(tableId, jobId),
    onSuccess: async () => {
      await refresh();
      await client.refetchQueries({ queryKey: queryKeys.cellStatus(tableId) });
      toast.show({ kind: "info", title: "Job cancelled: queued cells will not run" });
    },
  });
  const retry = useMutation({
    meta: { errorTitle: "Could not retry the job" },
    mutationFn: (jobId: string) => fetchers.retryJob(tableId, jobId),
    onError: (error, jobId) => {
      if (error instanceof ApiError && error.status === 409) markRetried(jobId);
    },
    onSuccess: async (job, jobId) => {
      markRetried(jobId);
      await refresh();
      toast.show({ kind: "info", title: job.message });
    },
  });
  // A retry spends credits as Enrich does: priced first, and confirmed above the workspace's threshold.
  const [confirming, setConfirming] = useState<{ jobId: string; estimate: EstimateDto } | null>(null);
  const priceRetry = useMutation({
    meta: { errorTitle: "Could not retry the job" },
    mutationFn: (jobId: string) => fetchers.estimateRetry(tableId, jobId),
    onError: (error, jobId) => {
      // Nothing left to retry (each failed cell was run again since): the button goes.
      if (error instanceof ApiError && error.status === 409) markRetried(jobId);
    },
    onSuccess: (estimate, jobId) => {
      if (estimate.needsConfirmation) setConfirming({ jobId, estimate });
      else retry.mutate(jobId);
    },
  });

  return (
    <aside aria-label="Jobs" className="flex w-[26rem] shrink-0 flex-col border-l border-slate-200 bg-slate-50">
      <header className="flex items-center justify-between border-b border-slate-200 bg-white px-4 py-2.5">
        <h2 className="text-sm font-semibold">Jobs</h2>
        <button
          type="button"
          onClick={onClose}
          aria-label="Close jobs panel"
          className="rounded px-1.5 text-lg leading-none text-slate-400 hover:bg-slate-100 hover:text-slate-700"
        >
          ×
        </button>
      </header>
      <div className="min-h-0 flex-1 overflow-y-auto p-3">
        {loading ? (
          <div className="space-y-2" aria-hidden="true">
            {[0, 1, 2].map((i) => (
              <div key={i} className="h-20 animate-pulse rounded-lg bg-slate-200/70" />
            ))}
          </div>
        ) : jobs.length === 0 ? (
          <p className="rounded-lg border border-dashed border-slate-300 p-6 text-center text-sm text-slate-500">
            No jobs yet. Select cells and press Enrich.
          </p>
        ) : (
          <ul className="space-y-2">
            {jobs.map((job) => {
              const cancelling = cancel.isPending && cancel.variables === job.jobId;
              return (
                <JobListItem
                  key={job.jobId}
                  tableId={tableId}
                  job={job}
                  columnNames={columnNamesOf(job, columns)}
                  open={openJob === job.jobId}
                  onToggle={() => setOpenJob((current) => (current === job.jobId ? null : job.jobId))}
                  onCancel={() => cancel.mutate(job.jobId)}
                  onRetry={
                    retried.has(job.jobId) || job.retriedAt || nothingToRetry.has(job.jobId)
                      ? undefined
                      : () => priceRetry.mutate(job.jobId)
                  }
                  busy={
                    cancelling ||
                    (retry.isPending && retry.variables === job.jobId) ||
                    (priceRetry.isPending && priceRetry.variables === job.jobId)
                  }
                  cancelling={cancelling}
                />
              );
            })}
          </ul>
        )}
      </div>
      {confirming ? (
        <ConfirmEnrichDialog
          estimate={confirming.estimate}
          onConfirm={() => {
            retry.mutate(confirming.jobId);
            setConfirming(null);
          }}
          onCancel={() => setConfirming(null)}
        />
      ) : null}
    </aside>
  );
}
