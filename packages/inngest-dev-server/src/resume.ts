import type pg from "pg";
import type { PendingRetry } from "./driver";
import { memoJson } from "./protocol";
import { RunState } from "./run-state";
import { SCHEMA } from "./schema";
import type { RunStatus } from "./store";

// Unfinished runs, read back from their rows and rebuilt in memory: at startup and
// when the database is back after an outage.

export interface StoredStep {
  id: string;
  seq: number | null;
  name: string | null;
  status: "completed" | "failed" | "retrying";
  data: string | null;
  error: string | null;
  attempts: number;
  startedAt: Date | null;
}

export interface StoredSchedule {
  stepId: string;
  kind: "retry" | "sleep" | "wait" | "invoke";
  dueAt: Date;
  attempt: number | null;
}

export interface UnfinishedRun {
  id: string;
  functionId: string;
  event: string;
  status: RunStatus;
  disableImmediate: boolean;
  parentRunId: string | null;
  createdAt: Date;
  startedAt: Date | null;
  steps: StoredStep[];
  scheduled: StoredSchedule[];
}

/**
 * Rebuilds a run's in-memory state from its rows: memoized steps in completion order
 * and the retry timers that were pending. Used at startup and after a database outage.
 */
export function restoreRun(r: UnfinishedRun): { state: RunState; pending: Map<string, PendingRetry> } {
  const state = new RunState(r.id, r.functionId, r.event, r.createdAt.getTime(), r.parentRunId);
  state.startedAt = r.startedAt?.getTime();
  state.disableImmediate = r.disableImmediate;
  for (const s of r.steps) {
    if (s.status === "completed") state.add(s.id, memoJson("data", s.data ?? "null"));
    else if (s.status === "failed") state.add(s.id, memoJson("error", s.error ?? "null"));
  }
  const pending = new Map<string, PendingRetry>();
  for (const sch of r.scheduled) {
    if (sch.kind !== "retry") continue;
    pending.set(sch.stepId, { attempt: sch.attempt ?? 1, dueAt: sch.dueAt.getTime() });
    state.retryRows.add(sch.stepId);
  }
  return { state, pending };
}

/** Every unfinished run (or those of `only`), with its steps and timers. */
export async function loadUnfinished(pool: pg.Pool, only?: string[]): Promise<UnfinishedRun[]> {
  const { rows } = await pool.query(
    `SELECT id, function_id, event::text AS event, status, disable_immediate, parent_run_id,
            created_at, started_at
     FROM ${SCHEMA}.runs WHERE status IN ('queued', 'running') ${only ? "AND id = ANY($1)" : ""} ORDER BY id`,
    only ? [only] : [],
  );
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const steps = await pool.query(
    `SELECT run_id, id, seq, name, status, data::text AS data, error::text AS error, attempts, started_at
     FROM ${SCHEMA}.steps WHERE run_id = ANY($1) ORDER BY run_id, seq NULLS LAST`,
    [ids],
  );
  const scheduled = await pool.query(
    `SELECT run_id, step_id, kind, due_at, attempt FROM ${SCHEMA}.scheduled WHERE run_id = ANY($1)`,
    [ids],
  );
  const byRun = new Map<string, UnfinishedRun>(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        functionId: r.function_id,
        event: r.event,
        status: r.status,
        disableImmediate: r.disable_immediate,
        parentRunId: r.parent_run_id,
        createdAt: r.created_at,
        startedAt: r.started_at,
        steps: [],
        scheduled: [],
      },
    ]),
  );
  for (const s of steps.rows) {
    byRun.get(s.run_id)?.steps.push({
      id: s.id,
      seq: s.seq,
      name: s.name,
      status: s.status,
      data: s.data,
      error: s.error,
      attempts: s.attempts,
      startedAt: s.started_at,
    });
  }
  for (const s of scheduled.rows) {
    byRun.get(s.run_id)?.scheduled.push({ stepId: s.step_id, kind: s.kind, dueAt: s.due_at, attempt: s.attempt });
  }
  return [...byRun.values()];
}
