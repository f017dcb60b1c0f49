import "server-only";
import type { Tx } from "../db";
import { recordToData } from "./prepare";

/** Rows per INSERT: the same batch size the rows API accepts in one request. */
export const INSERT_CHUNK = 10_000;
/** A 100,000-row import inserts in a few seconds; the default 5 s transaction timeout is too tight. */
export const IMPORT_TRANSACTION = { timeout: 300_000, maxWait: 10_000 } as const;

/**
 * Inserts records in file order inside the caller's transaction. WITH ORDINALITY + ORDER BY
 * make the position sequence follow the file, as createRows does for one request.
 */
export async function insertRecords(tx: Tx, tableId: string, keys: readonly string[], records: readonly string[][]) {
  for (let start = 0; start < records.length; start += INSERT_CHUNK) {
    const payload = records
      .slice(start, start + INSERT_CHUNK)
      .map((record) => JSON.stringify(recordToData(record, keys)));
    await tx.$executeRaw`
      INSERT INTO rows (table_id, data)
      SELECT ${tableId}::uuid, u.d FROM unnest(${payload}::jsonb[]) WITH ORDINALITY AS u(d, i) ORDER BY u.i`;
  }
  await tx.table.update({ where: { id: tableId }, data: { updatedAt: new Date() } });
}
