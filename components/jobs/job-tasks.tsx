"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { fetchers, type JobDto, type TaskDto } from "@/lib/client/fetchers";
import { queryKeys } from "@/lib/client/query-keys";
import { sourceMarkOf } from "@/lib/client/source-mark";
import { SourceMark } from "../grid/source-mark";

const FILTERS = ["all", "queued", "running", "done", "failed", "skipped"] as const;
type Filter = (typeof FILTERS)[number];

const mark = (task: TaskDto) => sourceMarkOf((task.result as { provider?: string } | null)?.provider);

function resultValue(task: TaskDto): string {
  const value = (task.result as { value?: unknown } | null)?.value;
  return value === undefined || value === null ? "" : String(value);
}

/** A job's cell tasks, filtered by status, 50 a page. Refreshes while the job runs. */
export function JobTasks({ tableId, job }: { tableId: string; job: JobDto }) {
  const [filter, setFilter] = useState<Filter>("all");
  const [page, setPage] = useState(1);
  const active = job.status === "pending" || job.status === "running";
  const tasks = useQuery({
    queryKey: queryKeys.jobTasks(tableId, job.jobId, filter, page),
    queryFn: ({ signal }) =>
      fetchers.listTasks(tableId, job.jobId, { status: filter === "all" ? undefined : filter, page }, signal),
    // Keep the previous page on screen while paging, but never show another filter's tasks.
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[5] === filter ? previous : undefined),
    refetchInterval: active ? 2000 : false,
    meta: { errorTitle: "Could not load the job's tasks" },
  });
  const meta = tasks.data?.meta;
  return (
    <div className="border-t border-slate-200">
      <div role="tablist" aria-label="Filter tasks by status" className="flex gap-1 px-3 pt-2">
        {FILTERS.map((f) => (
          <button
            key={f}
            type="button"
            role="tab"
            aria-selected={filter === f}
            onClick={() => {
              setFilter(f);
              setPage(1);
            }}
            className={`rounded-md px-2 py-0.5 text-xs capitalize ${filter === f ? "bg-slate-900 text-white" : "text-slate-600 hover:bg-slate-100"}`}
          >
            {f}
          </button>
        ))}
      </div>
      <ul aria-label="Tasks" className="max-h-72 divide-y divide-slate-100 overflow-y-auto px-3 py-1 text-xs">
        {tasks.isPending ? <li className="py-2 text-slate-400">Loading tasks…</li> : null}
        {meta?.total === 0 ? (
          <li className="py-2 text-slate-400">No {filter === "all" ? "" : `${filter} `}tasks.</li>
        ) : null}
        {tasks.data?.data.map((task) => {
          const source = task.status === "done" ? mark(task) : null;
          const shown = source && source.label !== "demo" ? source : null;
          return (
            <li key={task.taskId} data-task-status={task.status} className="flex items-center gap-2 py-1.5">
              <span className="w-24 shrink-0 truncate text-slate-700" title={task.rowLabel ?? task.rowId}>
                {task.rowLabel ?? "—"}
              </span>
              <span className="w-20 shrink-0 truncate font-medium text-slate-700" title={task.columnKey}>
                {task.columnLabel}
              </span>
              <span className="w-14 shrink-0 text-slate-500">{task.status}</span>
              <span
                className={`min-w-0 flex-1 truncate ${task.status === "failed" ? "text-red-700" : source?.ai ? "italic text-violet-900" : "text-slate-600"}`}
                title={task.error ?? resultValue(task)}
              >
                {task.error ?? resultValue(task)}
              </span>
              {shown ? <SourceMark mark={shown} /> : null}
              <span className="shrink-0 text-slate-400" title="attempts">
                ×{task.attempts}
              </span>
            </li>
          );
        })}
      </ul>
      {meta && meta.totalPages > 1 ? (
        <div className="flex items-center justify-between px-3 pb-2 text-xs text-slate-500">
          <button
            type="button"
            disabled={page <= 1}
            onClick={() => setPage((p) => p - 1)}
            className="disabled:opacity-40"
          >
            ← Previous
          </button>
          <span>
            Page {page} of {meta.totalPages}
          </span>
          <button
            type="button"
            disabled={page >= meta.totalPages}
            onClick={() => setPage((p) => p + 1)}
            className="disabled:opacity-40"
          >
            Next →
          </button>
        </div>
      ) : null}
    </div>
  );
}
