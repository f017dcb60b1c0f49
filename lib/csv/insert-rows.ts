import "server-only";
import type { ColumnDto } from "../columns/serialize";
import { getPool, type Tx } from "../db";
import { env } from "../env";
import type { CsvBatch } from "./csv-stream";
import { ColumnTypeGuess } from "./infer-types";
import { recordToData } from "./prepare";

/** An import's transaction lasts as long as its upload: GLAZE_CSV_IMPORT_TIMEOUT_SECONDS. */
export const importTransaction = () => ({ timeout: env.csvImportTimeoutMs, maxWait: 10_000 });

/** Rows from which an import refreshes the planner's statistics of `rows` before it answers. */
export const ANALYZE_AFTER_ROWS = 10_000;

/**
 * After a big import (committed): ANALYZE rows and their search entries (row_search), then
 * tidy their new pages in the background (tidyImportedPages). Until
 * statistics are taken again, Postgres estimates a new table at about one row (its id is in
 * none of them) and plans its statements for one row; autovacuum takes them a minute or more
 * later. ANALYZE samples 30,000 rows whatever the table's size (~0.3 s at 3,000,000 rows). Best
 * effort: the import has committed, so a failure (or another ANALYZE holding the lock for 2 s)
 * is logged, not returned.
 */
export async function refreshRowStatistics(imported: number): Promise<void> {
  if (imported < ANALYZE_AFTER_ROWS) return;
  const client = await getPool().connect();
  try {
    await client.query("BEGIN");
    await client.query("SET LOCAL lock_timeout = '2s'");
    await client.query("ANALYZE rows, row_search");
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    console.warn(
      `[csv] ANALYZE rows, row_search after an import of ${imported} rows failed: ${(error as Error).message}`,
    );
  } finally {
    client.release();
  }
  void tidyImportedPages(imported);
}

/**
 * After a big import, in the background: VACUUM rows and row_search, their heaps only
 * (INDEX_CLEANUP OFF). It sets the new rows' hint bits and marks their pages all-visible, as
 * autovacuum does minutes later at its throttled pace; until then the first read of each new
 * page dirties it (a search of 250,000 of a million new rows wrote 9,273 pages back: 775 ms, then
 * 586, 329, 223 ms), and windows deep into the table read the heap where the index alone would
 * do (60 ms at offset 500,000 once vacuumed). ~3 s for a million rows. An autovacuum of the
 * same table gives way to it after deadlock_timeout (1 s); another import's pass is waited for.
 */
async function tidyImportedPages(imported: number): Promise<void> {
  try {
    await getPool().query("VACUUM (INDEX_CLEANUP OFF) rows, row_search");
  } catch (error) {
    console.warn(
      `[csv] VACUUM rows, row_search after an import of ${imported} rows failed: ${(error as Error).message}`,
    );
  }
}

export type ImportProgress = {
  /** Rows inserted so far (not yet committed). */
  rows: number;
  /** Body bytes read. */
  bytes: number;
};

/**
 * Inserts one batch in file order inside the caller's transaction. WITH ORDINALITY + ORDER BY
 * make the position sequence follow the file, as createRows does for one request.
 */
async function insertBatch(
  tx: Tx,
  tableId: string,
  keys: readonly string[],
  records: readonly string[][],
  guess: ColumnTypeGuess | undefined,
) {
  const payload = records.map((record) => {
    const data = recordToData(record, keys);
    guess?.observe(data);
    return JSON.stringify(data);
  });
  await tx.$executeRaw`
    INSERT INTO rows (table_id, data)
    SELECT ${tableId}::uuid, u.d FROM unnest(${payload}::jsonb[]) WITH ORDINALITY AS u(d, i) ORDER BY u.i`;
}

/**
 * Inserts the batches as they are read. The next batch is parsed while the previous one is
 * inserted (Node parses, Postgres writes: two cores busy), and no third is read before that
 * insert ends, so at most two batches are in memory. Returns the number of rows inserted.
 */
export async function insertBatches(
  tx: Tx,
  {
    tableId,
    keys,
    batches,
    onProgress,
    typeColumns = [],
  }: {
    tableId: string;
    keys: readonly string[];
    batches: AsyncIterable<CsvBatch>;
    onProgress?: (progress: ImportProgress) => void;
    /** Keys of the columns the import created: each gets the type every value it was given fits. */
    typeColumns?: readonly string[];
  },
): Promise<number> {
  const guess = typeColumns.length > 0 ? new ColumnTypeGuess(typeColumns) : undefined;
  let rows = 0;
  let inserting: Promise<void> | undefined;
  try {
    for await (const batch of batches) {
      await inserting;
      inserting = insertBatch(tx, tableId, keys, batch.records, guess).then(() => {
        rows += batch.records.length;
        onProgress?.({ rows, bytes: batch.bytes });
      });
      // Awaited on the next turn or below; this only keeps a failure from being unhandled meanwhile.
      inserting.catch(() => {});
    }
    await inserting;
  } catch (error) {
    // A read error (the client went away) must not leave an insert running on a transaction that is ending.
    await inserting?.catch(() => {});
    throw error;
  }
  if (guess) await applyInferredTypes(tx, tableId, guess);
  await tx.table.update({ where: { id: tableId }, data: { updatedAt: new Date() } });
  return rows;
}

/** Gives the columns an import created (by key) the types their values showed (text stays as created). */
async function applyInferredTypes(tx: Tx, tableId: string, guess: ColumnTypeGuess): Promise<void> {
  const byType = new Map<ColumnDto["dataType"], string[]>();
  for (const [key, type] of guess.types()) byType.set(type, [...(byType.get(type) ?? []), key]);
  for (const [dataType, keys] of byType) {
    await tx.column.updateMany({ where: { tableId, key: { in: keys } }, data: { dataType } });
  }
}
