import "server-only";
import type { Tx } from "../../db";

/**
 * A deleted column's values and cell states leave every row of its table. Its states point at
 * deleted tasks and would otherwise keep the rows' derived status (e.g. "queued") forever.
 * Runs in the deleting transaction, after abandonTasks.
 */
export async function forgetColumn(
  { tableId, columnId, key }: { tableId: string; columnId: string; key: string },
  tx: Tx,
) {
  await tx.$executeRawUnsafe(
    `UPDATE rows SET data = data - $3::text, cell_states = cell_states - $2::text, updated_at = now()
      WHERE table_id = $1::uuid AND (data ? $3::text OR cell_states ? $2::text)`,
    tableId,
    columnId,
    key,
  );
}
