import pg from "pg";
import type { FunctionConfig } from "./protocol";
import { createSchema, SCHEMA } from "./schema";
import { StepWriter } from "./step-writer";

export type RunStatus = "queued" | "running" | "completed" | "failed" | "cancelled";
export const UNFINISHED: RunStatus[] = ["queued", "running"];

export interface NewEvent {
  id: string;
  name: string;
  idempotencyKey: string | null;
  /** JSON text of the event as functions receive it. */
  payload: string;
}

export interface NewRun {
  id: string;
  functionId: string;
  eventId: string | null;
  eventName: string;
  /** JSON text of the triggering event. */
  event: string;
  parentRunId?: string;
  parentStepId?: string;
  /** The run this one repeats (a rerun). */
  rerunOf?: string;
}

export interface FinishedRun {
  status: RunStatus;
  output: string | null;
  error: string | null;
}

// Result columns read as text so stored JSON goes back to the SDK without re-encoding.
const RESULT_COLS = "status, output::text AS output, error::text AS error";

/** All writes. Reads for the UI and REST API live in queries.ts. */
export class Store {
  readonly pool: pg.Pool;
  readonly steps: StepWriter;
  /** Set by the server to DbHealth.report. */
  onIdleError: (err: Error) => void = () => {};

  constructor(databaseUrl: string, opts: { poolSize?: number; synchronousCommit?: boolean } = {}) {
    // synchronous_commit=off (the default): a commit returns before its WAL reaches disk.
    // Killing this process loses nothing (Postgres has the commit); only a crash of
    // Postgres or the OS can drop the last moments (~0.6 s) of writes, and then those
    // steps simply run again. Waiting for fsync on every step write cost more than the
    // app's own work per step; `synchronousCommit` buys exactly-once across crashes.
    // connectionTimeoutMillis: a database host that swallows packets must fail queries
    // (and so count as unavailable) instead of hanging them.
    this.pool = new pg.Pool({
      connectionString: databaseUrl,
      max: opts.poolSize ?? 10,
      options: `-c synchronous_commit=${opts.synchronousCommit ? "on" : "off"}`,
      connectionTimeoutMillis: 5000,
    });
    // An idle client losing its connection must not crash the server; it is often the
    // first sign of Postgres going away, so it is reported (see db-health.ts).
    this.pool.on("error", (err) => this.onIdleError(err));
    this.steps = new StepWriter(this.pool);
  }

  init(): Promise<void> {
    return createSchema(this.pool);
  }

  async close(): Promise<void> {
    this.steps.close();
    await this.steps.drain().catch(() => {});
    await this.pool.end();
  }

  /** Runs `fn` in a transaction (also used by cron-store.ts). */
  async tx<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const result = await fn(client);
      await client.query("COMMIT");
      return result;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  /** Replaces the app's function list; functions the app no longer serves are removed. */
  saveApp(app: { id: string; url: string; sdk?: string; framework?: string }, fns: FunctionConfig[]): Promise<void> {
    return this.tx(async (c) => {
      await c.query(
        `INSERT INTO ${SCHEMA}.apps (id, url, sdk, framework) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET url = $2, sdk = $3, framework = $4, synced_at = now()`,
        [app.id, app.url, app.sdk ?? null, app.framework ?? null],
      );
      await c.query(`DELETE FROM ${SCHEMA}.functions WHERE app_id = $1 AND NOT (id = ANY($2))`, [
        app.id,
        fns.map((f) => f.id),
      ]);
      if (fns.length === 0) return;
      await c.query(
        `INSERT INTO ${SCHEMA}.functions (id, app_id, name, config)
         SELECT id, $1, name, config FROM unnest($2::text[], $3::text[], $4::jsonb[]) AS t(id, name, config)
         ON CONFLICT (id) DO UPDATE SET app_id = $1, name = EXCLUDED.name, config = EXCLUDED.config, updated_at = now()`,
        [app.id, fns.map((f) => f.id), fns.map((f) => f.name ?? null), fns.map((f) => JSON.stringify(f))],
      );
    });
  }

  async loadFunctions(): Promise<{ appId: string; config: FunctionConfig }[]> {
    const { rows } = await this.pool.query(`SELECT app_id, config FROM ${SCHEMA}.functions`);
    return rows.map((r) => ({ appId: r.app_id, config: r.config }));
  }

  async appUrls(): Promise<string[]> {
    const { rows } = await this.pool.query(`SELECT url FROM ${SCHEMA}.apps ORDER BY id`);
    return rows.map((r) => r.url);
  }

  /**
   * Stores events and the runs they trigger in one transaction. Events already seen
   * (same seeded id or idempotency key) are skipped along with their runs.
   * Returns the ids to report per event and the runs actually created.
   */
  ingest(events: NewEvent[], runsFor: (eventIds: Set<string>) => NewRun[]): Promise<{ ids: string[]; runs: NewRun[] }> {
    return this.tx(async (c) => {
      const inserted = await c.query(
        `INSERT INTO ${SCHEMA}.events (id, name, idempotency_key, payload)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::json[])
         ON CONFLICT DO NOTHING RETURNING id`,
        [
          events.map((e) => e.id),
          events.map((e) => e.name),
          events.map((e) => e.idempotencyKey),
          events.map((e) => e.payload),
        ],
      );
      const fresh = new Set<string>(inserted.rows.map((r) => r.id));
      const ids = events.map((e) => e.id);
      const dupKeys = events.filter((e) => !fresh.has(e.id) && e.idempotencyKey).map((e) => e.idempotencyKey);
      if (dupKeys.length > 0) {
        const existing = await c.query(
          `SELECT id, idempotency_key FROM ${SCHEMA}.events WHERE idempotency_key = ANY($1)`,
          [dupKeys],
        );
        const byKey = new Map(existing.rows.map((r) => [r.idempotency_key, r.id]));
        events.forEach((e, i) => {
          if (!fresh.has(e.id) && e.idempotencyKey && byKey.has(e.idempotencyKey)) ids[i] = byKey.get(e.idempotencyKey);
        });
      }
      const runs = runsFor(fresh);
      if (runs.length > 0) await insertRuns(c, runs);
      return { ids, runs };
    });
  }

  /** What a rerun of `runId` needs: its function, event and status. */
  async runOrigin(runId: string): Promise<(Omit<NewRun, "id"> & { status: RunStatus }) | undefined> {
    const { rows } = await this.pool.query<{
      function_id: string;
      event_id: string | null;
      event_name: string;
      event: string;
      status: RunStatus;
    }>(`SELECT function_id, event_id, event_name, event::text AS event, status FROM ${SCHEMA}.runs WHERE id = $1`, [
      runId,
    ]);
    const r = rows[0];
    return (
      r && { functionId: r.function_id, eventId: r.event_id, eventName: r.event_name, event: r.event, status: r.status }
    );
  }

  async insertRun(run: NewRun): Promise<void> {
    await insertRuns(this.pool, [run]);
  }

  /** Creates an invoked run once per parent step; returns the run that exists. */
  async insertChildRun(run: NewRun): Promise<string> {
    const res = await insertRuns(this.pool, [run], true);
    if (res.rowCount) return run.id;
    const { rows } = await this.pool.query(
      `SELECT id FROM ${SCHEMA}.runs WHERE parent_run_id = $1 AND parent_step_id = $2`,
      [run.parentRunId, run.parentStepId],
    );
    return rows[0].id;
  }

  /** `at`: the first request's time, the same clock as the steps' times (so they add up). */
  async markStarted(runId: string, at: number): Promise<void> {
    await this.pool.query(
      `UPDATE ${SCHEMA}.runs SET status = 'running', started_at = COALESCE(started_at, $2)
       WHERE id = $1 AND status = 'queued'`,
      [runId, new Date(at)],
    );
  }

  async setDisableImmediate(runId: string): Promise<void> {
    await this.pool.query(`UPDATE ${SCHEMA}.runs SET disable_immediate = true WHERE id = $1`, [runId]);
  }

  /** Returns false if the run had already finished (e.g. was cancelled meanwhile). */
  async finishRun(runId: string, status: RunStatus, output: string | null, error: string | null): Promise<boolean> {
    return this.tx(async (c) => {
      const res = await c.query(
        `UPDATE ${SCHEMA}.runs SET status = $2, output = $3::json, error = $4::json, ended_at = now(),
           started_at = COALESCE(started_at, now())
         WHERE id = $1 AND status IN ('queued', 'running')`,
        [runId, status, output, error],
      );
      await c.query(`DELETE FROM ${SCHEMA}.scheduled WHERE run_id = $1`, [runId]);
      return (res.rowCount ?? 0) > 0;
    });
  }

  async runResult(runId: string): Promise<FinishedRun | undefined> {
    const { rows } = await this.pool.query(`SELECT ${RESULT_COLS} FROM ${SCHEMA}.runs WHERE id = $1`, [runId]);
    return rows[0];
  }

  /**
   * Records a durable timer and returns its due time. With `keepExisting`, an existing
   * timer for the same step wins (a resumed run re-reporting a sleep keeps its wake-up time).
   */
  async schedule(t: {
    runId: string;
    stepId: string;
    name: string | null;
    kind: "retry" | "sleep" | "wait" | "invoke";
    dueAt: number;
    attempt?: number;
    keepExisting: boolean;
  }): Promise<number> {
    const conflict = t.keepExisting
      ? "DO UPDATE SET due_at = scheduled.due_at"
      : "DO UPDATE SET kind = EXCLUDED.kind, due_at = EXCLUDED.due_at, attempt = EXCLUDED.attempt";
    const { rows } = await this.pool.query(
      `INSERT INTO ${SCHEMA}.scheduled (run_id, step_id, name, kind, due_at, attempt) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (run_id, step_id) ${conflict} RETURNING due_at`,
      [t.runId, t.stepId, t.name, t.kind, new Date(t.dueAt), t.attempt ?? null],
    );
    return (rows[0].due_at as Date).getTime();
  }

  async unschedule(runId: string, stepId: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${SCHEMA}.scheduled WHERE run_id = $1 AND step_id = $2`, [runId, stepId]);
  }
}

export function insertRuns(c: pg.Pool | pg.PoolClient, runs: NewRun[], childOnce = false) {
  return c.query(
    `INSERT INTO ${SCHEMA}.runs (id, function_id, event_id, event_name, event, parent_run_id, parent_step_id, rerun_of)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::json[], $6::text[], $7::text[], $8::text[])
     ${childOnce ? "ON CONFLICT (parent_run_id, parent_step_id) WHERE parent_run_id IS NOT NULL DO NOTHING" : ""}`,
    [
      runs.map((r) => r.id),
      runs.map((r) => r.functionId),
      runs.map((r) => r.eventId),
      runs.map((r) => r.eventName),
      runs.map((r) => r.event),
      runs.map((r) => r.parentRunId ?? null),
      runs.map((r) => r.parentStepId ?? null),
      runs.map((r) => r.rerunOf ?? null),
    ],
  );
}
