import type pg from "pg";
import { isDbUnavailable } from "./db-health";
import { SCHEMA } from "./schema";

export interface StepRow {
  runId: string;
  id: string;
  /** Completion order; null for a step that is only retrying. */
  seq: number | null;
  name: string | null;
  op: string | null;
  status: "completed" | "failed" | "retrying";
  /** JSON text, stored as is. */
  data: string | null;
  error: string | null;
  attempts: number;
  startedAt: Date | null;
  endedAt: Date | null;
}

interface Pending {
  row: StepRow;
  done: { resolve: () => void; reject: (err: unknown) => void }[];
}

const MAX_BATCH = 500;

const UPSERT = `
INSERT INTO ${SCHEMA}.steps (run_id, id, seq, name, op, status, data, error, attempts, started_at, ended_at)
SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::json[], $8::json[],
                     $9::int[], $10::timestamptz[], $11::timestamptz[])
ON CONFLICT (run_id, id) DO UPDATE SET
  seq = EXCLUDED.seq, name = COALESCE(EXCLUDED.name, steps.name), op = COALESCE(EXCLUDED.op, steps.op),
  status = EXCLUDED.status, data = EXCLUDED.data, error = COALESCE(EXCLUDED.error, steps.error),
  attempts = GREATEST(EXCLUDED.attempts, steps.attempts),
  started_at = COALESCE(EXCLUDED.started_at, steps.started_at), ended_at = EXCLUDED.ended_at`;

/**
 * Per-step upserts, batched: every caller awaits its own row, but rows written while a
 * batch is in flight (parallel steps, other runs) go out together in one statement.
 *
 * Rows that fail because the database is unreachable are kept (`retained`) and written
 * by `flushRetained()` once it is back: a step result that reached this server during
 * an outage is then memoized instead of being run again.
 */
export class StepWriter {
  private pending = new Map<string, Pending>();
  private retained = new Map<string, StepRow>();
  private flushing: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly pool: pg.Pool) {}

  write(row: StepRow): Promise<void> {
    if (this.closed) return Promise.reject(new Error("step writer closed"));
    return new Promise((resolve, reject) => {
      const key = `${row.runId}\u0000${row.id}`;
      this.retained.delete(key);
      const existing = this.pending.get(key);
      // A later row for the same step supersedes the earlier one (same statement may
      // not touch a row twice).
      if (existing) {
        existing.row = row;
        existing.done.push({ resolve, reject });
      } else this.pending.set(key, { row, done: [{ resolve, reject }] });
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  /** Resolves once everything written so far is stored. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  close(): void {
    this.closed = true;
  }

  /** Writes the rows kept from an outage; throws (keeping them) if the database is still away. */
  async flushRetained(): Promise<number> {
    const rows = [...this.retained.values()];
    this.retained.clear();
    await Promise.all(rows.map((row) => this.write(row)));
    return rows.length;
  }

  private async flushLoop(): Promise<void> {
    // Let the current tick's writers join the first batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (this.pending.size > 0) {
        const batch: Pending[] = [];
        for (const [key, item] of this.pending) {
          batch.push(item);
          this.pending.delete(key);
          if (batch.length >= MAX_BATCH) break;
        }
        await this.flush(batch);
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async flush(batch: Pending[]): Promise<void> {
    const cols: unknown[][] = Array.from({ length: 11 }, () => []);
    for (const { row } of batch) {
      const values = [
        row.runId,
        row.id,
        row.seq,
        row.name,
        row.op,
        row.status,
        row.data,
        row.error,
        row.attempts,
        row.startedAt,
        row.endedAt,
      ];
      values.forEach((v, i) => {
        cols[i].push(v);
      });
    }
    try {
      await this.pool.query(UPSERT, cols);
      for (const item of batch) for (const d of item.done) d.resolve();
    } catch (err) {
      if (isDbUnavailable(err)) {
        for (const { row } of batch) {
          const key = `${row.runId}\u0000${row.id}`;
          if (!this.pending.has(key)) this.retained.set(key, row);
        }
      }
      for (const item of batch) for (const d of item.done) d.reject(err);
    }
  }
}
