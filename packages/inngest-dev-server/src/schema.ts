import type pg from "pg";

export const SCHEMA = "inngest_dev";

// `json` (not `jsonb`) for payloads: it keeps the text exactly as the SDK produced it
// (key order included) and reads back as text without a parse/serialise round trip.
const DDL = `
CREATE SCHEMA IF NOT EXISTS ${SCHEMA};
CREATE TABLE IF NOT EXISTS ${SCHEMA}.apps (
  id text PRIMARY KEY,
  url text NOT NULL,
  sdk text,
  framework text,
  synced_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS ${SCHEMA}.functions (
  id text PRIMARY KEY,
  app_id text NOT NULL REFERENCES ${SCHEMA}.apps(id) ON DELETE CASCADE,
  name text,
  config jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS ${SCHEMA}.events (
  id text PRIMARY KEY,
  name text NOT NULL,
  idempotency_key text UNIQUE,
  payload json NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS ${SCHEMA}.runs (
  id text PRIMARY KEY,
  function_id text NOT NULL,
  event_id text,
  event_name text NOT NULL,
  event json NOT NULL,
  status text NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
  disable_immediate boolean NOT NULL DEFAULT false,
  parent_run_id text,
  parent_step_id text,
  output json,
  error json,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  ended_at timestamptz
);
CREATE INDEX IF NOT EXISTS runs_unfinished_idx ON ${SCHEMA}.runs (id) WHERE status IN ('queued', 'running');
CREATE INDEX IF NOT EXISTS runs_event_idx ON ${SCHEMA}.runs (event_id);
CREATE INDEX IF NOT EXISTS runs_function_idx ON ${SCHEMA}.runs (function_id, id DESC);
CREATE UNIQUE INDEX IF NOT EXISTS runs_parent_idx ON ${SCHEMA}.runs (parent_run_id, parent_step_id)
  WHERE parent_run_id IS NOT NULL;
-- One row per step. seq (completion order) is set once the step is memoized; a row
-- with status 'retrying' only records attempts and the last error.
CREATE TABLE IF NOT EXISTS ${SCHEMA}.steps (
  run_id text NOT NULL REFERENCES ${SCHEMA}.runs(id) ON DELETE CASCADE,
  id text NOT NULL,
  seq int,
  name text,
  op text,
  status text NOT NULL CHECK (status IN ('completed', 'failed', 'retrying')),
  data json,
  error json,
  attempts int NOT NULL DEFAULT 1,
  started_at timestamptz,
  ended_at timestamptz,
  PRIMARY KEY (run_id, id)
);
-- Durable timers: retries (step_id '' = the whole function), sleeps, waitForEvent
-- and invoke timeouts.
CREATE TABLE IF NOT EXISTS ${SCHEMA}.scheduled (
  run_id text NOT NULL REFERENCES ${SCHEMA}.runs(id) ON DELETE CASCADE,
  step_id text NOT NULL,
  name text,
  kind text NOT NULL CHECK (kind IN ('retry', 'sleep', 'wait', 'invoke')),
  due_at timestamptz NOT NULL,
  attempt int,
  PRIMARY KEY (run_id, step_id)
);
-- Cron triggers: the next due time per (function, expression). Firing a slot moves it on
-- with a compare-and-set on next_at, so each slot starts one run (see cron.ts).
CREATE TABLE IF NOT EXISTS ${SCHEMA}.crons (
  function_id text NOT NULL,
  cron text NOT NULL,
  next_at timestamptz NOT NULL,
  PRIMARY KEY (function_id, cron)
);
-- Added after the first version; databases created by it lack the column.
ALTER TABLE ${SCHEMA}.scheduled ADD COLUMN IF NOT EXISTS name text;
-- A rerun (UI button, POST /v1/runs/:id/rerun) links to the run it repeats.
ALTER TABLE ${SCHEMA}.runs ADD COLUMN IF NOT EXISTS rerun_of text;
`;

/** Idempotent; the advisory lock keeps two servers starting at once from racing. */
export async function createSchema(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtext('inngest_dev.schema'))");
    await client.query(DDL);
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
