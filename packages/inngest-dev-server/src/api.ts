import type { EventView, RunDetail, RunSummary, StepView } from "./queries";
import { stepMs, stepTimeMs, wallMs } from "./timing";

// JSON shapes for the REST endpoints, close to Inngest's REST API (`{ data: ... }`,
// snake_case, capitalised statuses) where that was easy.

const STATUS: Record<string, string> = {
  queued: "Queued",
  running: "Running",
  completed: "Completed",
  failed: "Failed",
  cancelled: "Cancelled",
};

function parse(json: string | null): unknown {
  if (json === null) return null;
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}

export function runJson(r: RunSummary) {
  return {
    run_id: r.id,
    function_id: r.functionId,
    function_name: r.functionName,
    event_id: r.eventId,
    event_name: r.eventName,
    status: STATUS[r.status] ?? r.status,
    parent_run_id: r.parentRunId,
    rerun_of: r.rerunOf,
    queued_at: r.createdAt.toISOString(),
    run_started_at: r.startedAt?.toISOString() ?? null,
    ended_at: r.endedAt?.toISOString() ?? null,
    /** Wall time, first request to end. */
    duration_ms: wallMs(r),
    output: parse(r.output),
    error: parse(r.error),
  };
}

function stepJson(s: StepView) {
  return {
    id: s.id,
    name: s.name,
    kind: s.op,
    status: s.status,
    attempts: s.attempts,
    output: s.status === "completed" ? parse(s.data) : null,
    error: parse(s.error),
    started_at: s.startedAt?.toISOString() ?? null,
    ended_at: s.endedAt?.toISOString() ?? null,
    /** The step's own time: its (last attempt's) request start to its result. */
    duration_ms: stepMs(s),
  };
}

export function runDetailJson(r: RunDetail) {
  return {
    ...runJson(r),
    event: parse(r.event),
    /** Sum of the executed steps' own times (parallel steps overlap). */
    step_time_ms: stepTimeMs(r.steps),
    steps: r.steps.map(stepJson),
    invoked_runs: r.children.map((c) => c.id),
    pending: r.pending.map((p) => ({
      step_id: p.stepId,
      name: p.name,
      kind: p.kind,
      due_at: p.dueAt.toISOString(),
      attempt: p.attempt,
    })),
  };
}

export function eventJson(e: EventView) {
  return { internal_id: e.id, name: e.name, received_at: e.receivedAt.toISOString(), ...(parse(e.payload) as object) };
}
