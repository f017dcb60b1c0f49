"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchers } from "@/lib/client/fetchers";
import { queryKeys } from "@/lib/client/query-keys";
import { sourceMarkOf } from "@/lib/client/source-mark";
import { SourceMark } from "../grid/source-mark";

const FINAL = new Set(["done", "failed", "skipped"]);

/** What "Try on 5 rows" gave, row by row, polled until every cell ended. */
export function TryResults({
  tableId,
  jobId,
  onInspect,
}: {
  tableId: string;
  jobId: string;
  onInspect: (rowId: string) => void;
}) {
  const tasks = useQuery({
    queryKey: queryKeys.jobTasks(tableId, jobId, "all", 1),
    queryFn: ({ signal }) => fetchers.listTasks(tableId, jobId, { page: 1 }, signal),
    refetchInterval: (query) => (query.state.data?.data.every((t) => FINAL.has(t.status)) ? false : 700),
    meta: { errorTitle: "Could not load the trial's results" },
  });
  const rows = tasks.data?.data ?? [];
  return (
    <ul aria-label="Trial results" className="space-y-1">
      {rows.map((task) => {
        const result = (task.result ?? {}) as { value?: unknown; provider?: string };
        const mark = task.status === "done" ? sourceMarkOf(result.provider) : null;
        return (
          <li
            key={task.taskId}
            data-try-status={task.status}
            className="flex items-center gap-2 rounded-md bg-white px-2 py-1 text-xs"
          >
            <span className="w-24 shrink-0 truncate text-slate-600" title={task.rowLabel ?? task.rowId}>
              {task.rowLabel ?? "—"}
            </span>
            <span
              className={`min-w-0 flex-1 truncate ${mark?.ai ? "italic text-violet-900" : task.status === "failed" ? "text-red-700" : "text-slate-900"}`}
              title={task.error ?? String(result.value ?? "")}
            >
              {task.status === "done" ? String(result.value ?? "") : (task.error ?? `${task.status}…`)}
            </span>
            {mark ? <SourceMark mark={mark} /> : null}
            <button
              type="button"
              onClick={() => onInspect(task.rowId)}
              className="shrink-0 text-blue-700 hover:underline"
            >
              Why?
            </button>
          </li>
        );
      })}
      {rows.length === 0 ? <li className="h-6 animate-pulse rounded bg-slate-200/70" aria-hidden="true" /> : null}
    </ul>
  );
}
