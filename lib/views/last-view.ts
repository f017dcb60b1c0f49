import "server-only";
import { getDb, type Tx } from "../db";
import { invalid } from "../errors";
import { shareLockTable } from "../tables/tables";

// The saved view each person last used in a table, so that the grid opens on it again. A
// person's preference, not the table's: only sessions reach it (API keys act for no person).
// Null is "All rows". The foreign keys keep it honest: deleting the view turns it into null,
// deleting the table or the person removes it.

export type LastViewDto = { viewId: string | null };

export async function getLastView(
  { userId, tableId }: { userId: string; tableId: string },
  db: Tx = getDb(),
): Promise<LastViewDto> {
  const last = await db.lastView.findUnique({
    where: { userId_tableId: { userId, tableId } },
    select: { viewId: true },
  });
  return { viewId: last?.viewId ?? null };
}

/**
 * Remembers `viewId` (a saved view of this table, or null) as the person's last used view.
 * The table and the view are locked against deletion first, in that order (the order a
 * table's deletion cascades in), so a view deleted meanwhile is a 422 and never a foreign-key
 * error, and a table deleted meanwhile is a 404.
 */
export async function setLastView(
  { userId, tableId, viewId }: { userId: string; tableId: string; viewId: string | null },
  db = getDb(),
): Promise<LastViewDto> {
  return db.$transaction(async (tx) => {
    await shareLockTable(tx, tableId);
    let stored: string | null = null;
    if (viewId !== null) {
      const view = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM table_views WHERE id = ${viewId}::uuid AND table_id = ${tableId}::uuid FOR KEY SHARE`;
      if (view.length === 0) {
        throw invalid("viewId is not a saved view of this table", [
          { path: "viewId", message: `no view ${viewId} in this table` },
        ]);
      }
      stored = view[0].id;
    }
    await tx.lastView.upsert({
      where: { userId_tableId: { userId, tableId } },
      create: { userId, tableId, viewId: stored },
      update: { viewId: stored },
    });
    return { viewId: stored };
  });
}
