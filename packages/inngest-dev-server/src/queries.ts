import type pg from "pg";
import { SCHEMA } from "./schema";
import type { RunStatus } from "./store";

// Read side for the UI and the REST API. JSON columns come back as text; callers
// decide whether to parse or truncate them.

export interface RunSummary {
  id: string;
  functionId: string;
  functionName: string | null;
  eventId: string | null;
  eventName: string;
  status: RunStatus;
  parentRunId: string | null;
  rerunOf: string | null;
  createdAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  output: string | null;
  error: string | null;
}

export interface StepView {
  id: string;
  seq: number | null;
  name: string | null;
  op: string | null;
  status: string;
  data: string | null;
  error: string | null;
  attempts: number;
  startedAt: Date | null;
  endedAt: Date | null;
}

/** A durable timer the run is waiting on: a sleep, an event, an invoke or a retry. */
export interface PendingView {
  stepId: string;
  name: string | null;
  kind: string;
  dueAt: Date;
  attempt: number | null;
}

export interface RunDetail extends RunSummary {
  event: string;
  steps: StepView[];
  children: RunSummary[];
  pending: PendingView[];
}

export interface AppView {
  id: string;
  url: string;
  sdk: string | null;
  syncedAt: Date;
  functions: { id: string; name: string | null; triggers: string[] }[];
}

export interface EventView {
  id: string;
  name: string;
  payload: string;
  receivedAt: Date;
}

const RUN_COLS = `r.id, r.function_id, f.name AS function_name, r.event_id, r.event_name, r.status, r.parent_run_id, r.rerun_of,
  r.created_at, r.started_at, r.ended_at, r.output::text AS output, r.error::text AS error`;
const RUN_FROM = `${SCHEMA}.runs r LEFT JOIN ${SCHEMA}.functions f ON f.id = r.function_id`;

function toRun(r: Record<string, unknown>): RunSummary {
  return {
    id: r.id as string,
    functionId: r.function_id as string,
    functionName: r.function_name as string | null,
    eventId: r.event_id as string | null,
    eventName: r.event_name as string,
    status: r.status as RunStatus,
    parentRunId: r.parent_run_id as string | null,
    rerunOf: r.rerun_of as string | null,
    createdAt: r.created_at as Date,
    startedAt: r.started_at as Date | null,
    endedAt: r.ended_at as Date | null,
    output: r.output as string | null,
    error: r.error as string | null,
  };
}

export class Queries {
  constructor(private readonly pool: pg.Pool) {}

  async listRuns(opts: { limit: number; status?: string; functionId?: string }): Promise<RunSummary[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (opts.status) where.push(`r.status = $${params.push(opts.status)}`);
    if (opts.functionId) where.push(`r.function_id = $${params.push(opts.functionId)}`);
    const limit = `$${params.push(opts.limit)}`;
    const { rows } = await this.pool.query(
      `SELECT ${RUN_COLS} FROM ${RUN_FROM} ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY r.id DESC LIMIT ${limit}`,
      params,
    );
    return rows.map(toRun);
  }

  async runsForEvent(eventId: string): Promise<RunSummary[]> {
    const { rows } = await this.pool.query(`SELECT ${RUN_COLS} FROM ${RUN_FROM} WHERE r.event_id = $1 ORDER BY r.id`, [
      eventId,
    ]);
    return rows.map(toRun);
  }

  async getRun(id: string): Promise<RunDetail | undefined> {
    const { rows } = await this.pool.query(
      `SELECT ${RUN_COLS}, r.event::text AS event FROM ${RUN_FROM} WHERE r.id = $1`,
      [id],
    );
    if (rows.length === 0) return undefined;
    const [steps, children, pending] = await Promise.all([
      this.pool.query(
        `SELECT id, seq, name, op, status, data::text AS data, error::text AS error, attempts, started_at, ended_at
         FROM ${SCHEMA}.steps WHERE run_id = $1 ORDER BY seq NULLS LAST, started_at`,
        [id],
      ),
      this.pool.query(`SELECT ${RUN_COLS} FROM ${RUN_FROM} WHERE r.parent_run_id = $1 ORDER BY r.id`, [id]),
      this.pool.query(
        `SELECT step_id, name, kind, due_at, attempt FROM ${SCHEMA}.scheduled WHERE run_id = $1 ORDER BY due_at`,
        [id],
      ),
    ]);
    return {
      ...toRun(rows[0]),
      event: rows[0].event,
      steps: steps.rows.map((s) => ({
        id: s.id,
        seq: s.seq,
        name: s.name,
        op: s.op,
        status: s.status,
        data: s.data,
        error: s.error,
        attempts: s.attempts,
        startedAt: s.started_at,
        endedAt: s.ended_at,
      })),
      children: children.rows.map(toRun),
      pending: pending.rows.map((p) => ({
        stepId: p.step_id,
        name: p.name,
        kind: p.kind,
        dueAt: p.due_at,
        attempt: p.attempt,
      })),
    };
  }

  async listApps(): Promise<AppView[]> {
    const { rows } = await this.pool.query(
      `SELECT a.id, a.url, a.sdk, a.synced_at,
              COALESCE(json_agg(json_build_object('id', f.id, 'name', f.name, 'triggers', f.config->'triggers')
                       ORDER BY f.id) FILTER (WHERE f.id IS NOT NULL), '[]') AS functions
       FROM ${SCHEMA}.apps a LEFT JOIN ${SCHEMA}.functions f ON f.app_id = a.id
       GROUP BY a.id ORDER BY a.id`,
    );
    return rows.map((r) => ({
      id: r.id,
      url: r.url,
      sdk: r.sdk,
      syncedAt: r.synced_at,
      functions: (
        r.functions as { id: string; name: string | null; triggers: { event?: string; cron?: string }[] }[]
      ).map((f) => ({ id: f.id, name: f.name, triggers: (f.triggers ?? []).map((t) => t.event ?? `cron ${t.cron}`) })),
    }));
  }

  async listEvents(limit: number): Promise<EventView[]> {
    const { rows } = await this.pool.query(
      `SELECT id, name, payload::text AS payload, received_at FROM ${SCHEMA}.events ORDER BY id DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, payload: r.payload, receivedAt: r.received_at }));
  }

  async getEvent(id: string): Promise<EventView | undefined> {
    const { rows } = await this.pool.query(
      `SELECT id, name, payload::text AS payload, received_at FROM ${SCHEMA}.events WHERE id = $1`,
      [id],
    );
    return rows[0] && { id: rows[0].id, name: rows[0].name, payload: rows[0].payload, receivedAt: rows[0].received_at };
  }

  async statusCounts(): Promise<Record<string, number>> {
    const { rows } = await this.pool.query(`SELECT status, count(*)::int AS n FROM ${SCHEMA}.runs GROUP BY status`);
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }
}
