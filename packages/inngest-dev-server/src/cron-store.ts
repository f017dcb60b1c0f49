import { SCHEMA } from "./schema";
import { insertRuns, type NewRun, type Store } from "./store";

// The crons table (see cron.ts): the next due time per (function, expression).

export interface CronRow {
  fnId: string;
  expression: string;
  /** ms since epoch. */
  nextAt: number;
}

/**
 * Makes the crons table match the registered cron triggers: rows for new ones (due at
 * `nextAt`), existing rows kept as they are, others removed. Returns the rows.
 */
export function syncCrons(
  store: Store,
  wanted: { fnId: string; expression: string; nextAt: number | undefined }[],
): Promise<CronRow[]> {
  const keep = wanted.filter((w) => w.nextAt !== undefined);
  return store.tx(async (c) => {
    await c.query(
      `DELETE FROM ${SCHEMA}.crons WHERE (function_id, cron) NOT IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [keep.map((w) => w.fnId), keep.map((w) => w.expression)],
    );
    await c.query(
      `INSERT INTO ${SCHEMA}.crons (function_id, cron, next_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) ON CONFLICT DO NOTHING`,
      [keep.map((w) => w.fnId), keep.map((w) => w.expression), keep.map((w) => new Date(w.nextAt as number))],
    );
    const { rows } = await c.query<{ function_id: string; cron: string; next_at: Date }>(
      `SELECT function_id, cron, next_at FROM ${SCHEMA}.crons`,
    );
    return rows.map((r) => ({ fnId: r.function_id, expression: r.cron, nextAt: r.next_at.getTime() }));
  });
}

/**
 * Fires one cron slot: moves the row from `slot` to `nextAt` (or deletes it when there
 * is none) and stores the event and run, all only if the row still said `slot`.
 * Returns whether this call fired it and the row's due time afterwards.
 */
export function fireCron(
  store: Store,
  f: {
    fnId: string;
    expression: string;
    slot: number;
    nextAt: number | undefined;
    event: { id: string; name: string; payload: string } | undefined;
    run: NewRun | undefined;
  },
): Promise<{ fired: boolean; nextAt: number | undefined }> {
  return store.tx(async (c) => {
    const moved =
      f.nextAt === undefined
        ? await c.query(`DELETE FROM ${SCHEMA}.crons WHERE function_id = $1 AND cron = $2 AND next_at = $3`, [
            f.fnId,
            f.expression,
            new Date(f.slot),
          ])
        : await c.query(
            `UPDATE ${SCHEMA}.crons SET next_at = $4 WHERE function_id = $1 AND cron = $2 AND next_at = $3`,
            [f.fnId, f.expression, new Date(f.slot), new Date(f.nextAt)],
          );
    if (!moved.rowCount) {
      const { rows } = await c.query<{ next_at: Date }>(
        `SELECT next_at FROM ${SCHEMA}.crons WHERE function_id = $1 AND cron = $2`,
        [f.fnId, f.expression],
      );
      return { fired: false, nextAt: rows[0]?.next_at.getTime() };
    }
    if (f.event) {
      // One event per (function, expression, slot), whatever happened above.
      const idempotencyKey = JSON.stringify([f.event.name, f.fnId, f.expression, new Date(f.slot).toISOString()]);
      const inserted = await c.query(
        `INSERT INTO ${SCHEMA}.events (id, name, idempotency_key, payload) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING`,
        [f.event.id, f.event.name, idempotencyKey, f.event.payload],
      );
      if (!inserted.rowCount) return { fired: false, nextAt: f.nextAt };
      if (f.run) await insertRuns(c, [f.run]);
    }
    return { fired: true, nextAt: f.nextAt };
  });
}
