// The one owner of how hard Glaze tries and how it splits work: attempts per cell, chunk and
// batch sizes, concurrency, and how orchestration failures are recorded on a job. The Inngest
// functions and the engine read these; nothing else decides them.

/**
 * Retries of a cell's step (Inngest's `retries` of the chunk function). A cell that first ran
 * inside a batch step continues on its own step from its next attempt; the engine ends the
 * cell at MAX_CELL_ATTEMPTS either way, so every cell gets the same number of attempts.
 */
export const CELL_STEP_RETRIES = 2;

/** Attempts a cell gets in all (its first try and two retries), alone or in a batch. */
export const MAX_CELL_ATTEMPTS = CELL_STEP_RETRIES + 1;

/** The 1-based attempt of a cell whose step is at `stepAttempt` (0-based), after `priorAttempts` elsewhere. */
export const cellAttempt = ({ priorAttempts, stepAttempt }: { priorAttempts: number; stepAttempt: number }) =>
  priorAttempts + stepAttempt + 1;

/**
 * How long a chunk waits before the second attempt of the cells that failed transiently in its
 * batches, which it runs in batches again (only cells that fail again get steps of their own).
 */
export const RETRY_BATCH_WAIT = "1s";

/** Retries of the job (fan-out) function. */
export const JOB_STEP_RETRIES = 3;

/** Interactive selections (up to this many cells) run one durable step per cell. */
export const SINGLE_CELL_JOB_LIMIT = 100;

/**
 * Cells per chunk run in batch mode: batch steps plus at most this many single-cell retry
 * steps stay far below Inngest's 1,000 steps per run.
 */
export const CHUNK_CELLS = 500;

/** Cells per step: one for interactive jobs; batches of set-based SQL for bulk jobs. */
export function cellsPerStepFor(totalTasks: number): number {
  if (totalTasks <= SINGLE_CELL_JOB_LIMIT) return 1;
  return totalTasks <= 10_000 ? 25 : 100;
}

/** Tasks per chunk run for a job that runs `cellsPerStep` cells per step. */
export function chunkSizeFor(cellsPerStep: number): number {
  return cellsPerStep === 1 ? SINGLE_CELL_JOB_LIMIT : CHUNK_CELLS;
}

/**
 * Largest selection one job may hold. What a job of this size costs (bench/README.md):
 * Node holds only the request body (at most ENRICH_BODY_LIMIT, 16 MiB, of explicit ids;
 * `rowIds: "all"` is a few bytes) and never a list of the job's tasks; Postgres sorts and
 * aggregates within `work_mem`, spilling to disk beyond it, and writes each cell's task and
 * index entries (estimated ~0.5 KB a cell with WAL, not yet measured) in one transaction;
 * the job fans out into 4,000 chunk events, sent FAN_OUT_EVENTS_PER_STEP at a time.
 */
export const MAX_CELLS_PER_JOB = 2_000_000;

/** How long creating a job may take before its transaction is rolled back (a 2M-cell job on a busy machine). */
export const JOB_CREATION_TIMEOUT_MS = 600_000;

/**
 * Chunk events per `step.sendEvent` when a job fans out: each send stays far below Inngest's
 * limits on events and bytes per request (~200 bytes an event).
 */
export const FAN_OUT_EVENTS_PER_STEP = 500;

/** Executing chunk steps per table (so one huge job cannot starve other tables) and overall. */
export const TABLE_STEP_CONCURRENCY = 4;
export const GLOBAL_STEP_CONCURRENCY = 16;
/**
 * Longest a bulk batch step waits for a provider's rate limit. Cells that would wait longer are
 * handed over to the provider-calls function, whose concurrency is keyed by workspace and
 * provider, and resumed in a later step: a slow provider's queue (PDL: 100 calls a minute)
 * never holds the table's step slots that the cells of a faster one need.
 */
export const HANDOVER_HORIZON_MS = 2_000;
/** Handed-over calls of one provider in one workspace running at once: one waits while another records. */
export const PROVIDER_CALLS_CONCURRENCY = 2;
/**
 * Hand-overs per cell before its batch waits in its step as before: one per backlogged
 * provider of a waterfall, and a bound on a chunk's steps (each costs an invoke and a resume).
 */
export const MAX_HANDOVER_ROUNDS = 4;
/** How long a chunk waits for handed-over calls before resuming the cells anyway. */
export const HANDOVER_TIMEOUT = "6h";
/** Jobs of one table being fanned out at once. */
export const TABLE_FAN_OUT_CONCURRENCY = 2;

/** Queued tasks of a cancelled job settled per statement (bounded, whatever the job's size). */
export const SETTLE_BATCH = 5_000;

/** How often the watchdog looks for jobs that stopped moving (cron, UTC). */
export const WATCHDOG_CRON = "* * * * *";
/**
 * A job none of whose cells finished for this long is re-driven (GLAZE_WATCHDOG_STALL_SECONDS
 * overrides it). Longer than any cell takes, so a slow job is not mistaken for a stalled one.
 */
export const WATCHDOG_STALL_SECONDS = 300;
/** After this many re-drives without progress, the job's remaining cells end failed. */
export const MAX_REDRIVES = 10;

/** When the retention pass runs (cron, UTC): once a day, at a quiet hour. */
export const COMPACTION_CRON = "17 3 * * *";
/** Ended jobs keep all their tasks this long (GLAZE_TASK_RETENTION_DAYS overrides it). */
export const TASK_RETENTION_DAYS = 30;
/** Tasks a retention statement looks at (bounded, whatever the job's size; ~0.1 s each). */
export const COMPACTION_BATCH = 5_000;
/** Tasks one retention step looks at, in batches, before it hands over to the next step. */
export const COMPACTION_STEP_TASKS = 100_000;

/** Why a job is not running as it should, recorded beside its human-readable `error`. */
export const JobErrorCode = {
  /** The orchestrator did not accept the job's event; POST .../dispatch sends it again. */
  dispatchFailed: "dispatch_failed",
  /** The job function could not send its chunk events. */
  fanOutFailed: "fan_out_failed",
} as const;
export type JobErrorCode = (typeof JobErrorCode)[keyof typeof JobErrorCode];
