import "server-only";
import { getPool, type Tx } from "../../db";

// A deleted column's values and cell states leave every row of its table. Its states point at
// deleted tasks and would otherwise keep the rows' derived status (e.g. "queued") forever.
//
// Not in the deleting transaction: rewriting every row of a big table takes seconds (~70 µs a
// row with its search entry and indexes: 14 s at 200,000 rows), and row writers share the
// table's lock, which the delete holds. The delete records the removal (startKeyRemoval) with
// the column's deletion; then stripRemovedKey rewrites the rows a batch per statement (each
// its own transaction, so a row write waits for one batch at most); its last batch forgets the
// removal. Until then no new column of the table takes the key (keysBeingRemoved). A removal
// whose request died is finished by the watchdog (finishKeyRemovals). Writers merge into rows
// atomically (`data || patch`), so a row written meanwhile loses nothing: its batch's update
// waits for it and then removes the key from what it wrote.

/** Rows rewritten per statement. */
export const REMOVAL_BATCH_ROWS = 5_000;

export type KeyRemoval = { tableId: string; columnId: string; key: string };

/** In the deleting transaction: the key is to be removed from the rows. */
export async function startKeyRemoval({ tableId, columnId, key }: KeyRemoval, tx: Tx) {
  await tx.$executeRaw`
    INSERT INTO column_key_removals (table_id, key, column_id) VALUES (${tableId}::uuid, ${key}, ${columnId}::uuid)
    ON CONFLICT (table_id, key) DO UPDATE SET column_id = EXCLUDED.column_id`;
}

/** Keys of the table still being removed from its rows (a new column may not take them yet). */
export async function keysBeingRemoved(tableId: string, tx: Tx): Promise<string[]> {
  const rows = await tx.$queryRaw<
    { key: string }[]
  >`SELECT key FROM column_key_removals WHERE table_id = ${tableId}::uuid`;
  return rows.map((r) => r.key);
}

/**
 * Removes the key and the column's cell states from the table's rows, a batch at a time in
 * position order; when every row is done, forgets the removal. Returns false when `budgetMs`
 * ran out first (the watchdog goes on later); idempotent, so two runs at once are harmless.
 */
export async function stripRemovedKey(
  { tableId, columnId, key }: KeyRemoval,
  { budgetMs = Number.POSITIVE_INFINITY, batchRows = REMOVAL_BATCH_ROWS } = {},
): Promise<boolean> {
  const deadline = Date.now() + budgetMs;
  const pool = getPool();
  let after = "-1";
  for (;;) {
    const { rows } = await pool.query<{ last: string | null }>(
      `WITH batch AS (
         SELECT id, position FROM rows WHERE table_id = $1::uuid AND position > $4::bigint ORDER BY position LIMIT $5
       ), stripped AS (
         UPDATE rows r SET data = r.data - $3::text, cell_states = r.cell_states - $2::text, updated_at = now()
         FROM batch b WHERE r.id = b.id AND (r.data ? $3::text OR r.cell_states ? $2::text)
         RETURNING 1
       )
       SELECT max(position)::text AS last FROM batch`,
      [tableId, columnId, key, after, batchRows],
    );
    const last = rows[0]?.last ?? null;
    if (last === null) break;
    after = last;
    await pool.query("UPDATE column_key_removals SET progress_at = now() WHERE table_id = $1::uuid AND key = $2", [
      tableId,
      key,
    ]);
    if (Date.now() > deadline) return false;
  }
  await pool.query("DELETE FROM column_key_removals WHERE table_id = $1::uuid AND key = $2 AND column_id = $3::uuid", [
    tableId,
    key,
    columnId,
  ]);
  return true;
}

/**
 * The watchdog's part: removals without progress for `olderThanSeconds` (their request most
 * likely died) are carried on, within `budgetMs` in all. Returns how many it finished.
 */
export async function finishKeyRemovals({ olderThanSeconds = 60, budgetMs = 20_000 } = {}): Promise<number> {
  const deadline = Date.now() + budgetMs;
  const { rows } = await getPool().query<{ tableId: string; columnId: string; key: string }>(
    `SELECT table_id::text AS "tableId", column_id::text AS "columnId", key FROM column_key_removals
      WHERE progress_at < now() - make_interval(secs => $1) ORDER BY progress_at LIMIT 20`,
    [olderThanSeconds],
  );
  let finished = 0;
  for (const removal of rows) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    if (await stripRemovedKey(removal, { budgetMs: left })) finished++;
  }
  return finished;
}
