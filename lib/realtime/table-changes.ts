import "server-only";
import { getPool, type Tx } from "../db";

// The feed of a table's row, column and table changes: the table_changes entries that the
// live_updates migration's triggers write, one per statement, read through a snapshot cursor
// exactly as the cells' feed (lib/enrichment/store/cell-changes.ts) is. This module owns that
// table's SQL.

export type ChangeKind = "rows" | "columns" | "table";
export type ChangeOp = "created" | "updated" | "deleted";
/** ids null: too many to list; treat every one of that kind as changed. */
export type TableChange = { kind: ChangeKind; op: ChangeOp; ids: string[] | null };
/** reload: the changes since the cursor cannot be listed (too many, or pruned): reload the table. */
export type TableChanges = { changes: TableChange[]; reload: boolean };

/** Entries (statements) one read returns at most; more is a reload. */
const MAX_ENTRIES = 1_000;
/** Ids listed per kind and operation; more become "all". */
const MAX_IDS = 1_000;
/** The nil table id marks the entry recording how far the log has been pruned. */
const PRUNED = "00000000-0000-0000-0000-000000000000";

type Entry = {
  exists: boolean;
  prunedThrough: string | null;
  kind: ChangeKind | null;
  op: ChangeOp;
  ids: string[];
  many: boolean;
};

// $5 (optional) bounds the read to what a cursor taken earlier saw: entries are only ever
// added, so those visible to it are the same whenever they are read.
const READ = `
  WITH horizon AS (SELECT max(change_xid) AS xid FROM table_changes WHERE table_id = '${PRUNED}'::uuid)
  SELECT EXISTS (SELECT 1 FROM tables WHERE id = $1::uuid) AS exists, h.xid::text AS "prunedThrough",
         c.kind, c.op, c.ids::text[] AS ids, c.many
    FROM horizon h LEFT JOIN LATERAL (
      SELECT id, kind, op, ids, many FROM table_changes
       WHERE table_id = $1::uuid AND change_xid >= $2::bigint
         AND NOT pg_visible_in_snapshot((change_xid::text)::xid8, $3::text::pg_snapshot)
         AND ($5::text IS NULL OR pg_visible_in_snapshot((change_xid::text)::xid8, $5::text::pg_snapshot))
       ORDER BY id LIMIT $4) c ON true
   ORDER BY c.id`;

/**
 * What changed in the table's rows, columns and itself since `since` (up to `until`, when
 * given; else as the statement or the transaction `tx` sees it), and whether the table exists.
 */
export async function readTableChanges(
  { tableId, since, until }: { tableId: string; since: string; until?: string },
  tx?: Tx,
): Promise<{ exists: boolean; changes: TableChanges }> {
  const xmin = BigInt(since.split(":")[0]);
  const values = [tableId, xmin.toString(), since, MAX_ENTRIES + 1, until ?? null];
  const entries = tx
    ? await tx.$queryRawUnsafe<Entry[]>(READ, ...values)
    : (await getPool().query<Entry>(READ, values)).rows;
  const exists = entries[0]?.exists ?? false;
  const prunedThrough = entries[0]?.prunedThrough;
  // Entries of transactions below the cursor's xmin were all visible to it; a horizon at or
  // above it may have taken entries the cursor has not seen.
  if (prunedThrough != null && BigInt(prunedThrough) >= xmin) return { exists, changes: { changes: [], reload: true } };
  const found = entries.filter((e) => e.kind !== null);
  if (found.length > MAX_ENTRIES) return { exists, changes: { changes: [], reload: true } };
  const changes = found.map((e) => ({ kind: e.kind as ChangeKind, op: e.op, ids: e.many ? null : e.ids }));
  return { exists, changes: mergeTableChanges(changes) };
}

/** Changes grouped by kind and operation, ids merged (in order, once each). */
export function mergeTableChanges(changes: TableChange[], reload = false): TableChanges {
  const groups = new Map<string, { kind: ChangeKind; op: ChangeOp; ids: Set<string> | null }>();
  for (const change of changes) {
    const key = `${change.kind}:${change.op}`;
    const group = groups.get(key) ?? { kind: change.kind, op: change.op, ids: new Set<string>() };
    groups.set(key, group);
    if (change.ids === null || group.ids === null) group.ids = null;
    else for (const id of change.ids) group.ids.add(id);
    if (group.ids && group.ids.size > MAX_IDS) group.ids = null;
  }
  return {
    reload,
    changes: [...groups.values()].map((g) => ({ kind: g.kind, op: g.op, ids: g.ids ? [...g.ids] : null })),
  };
}

/** Several reads' changes as one (a client that catches up over them). */
export function concatTableChanges(parts: TableChanges[]): TableChanges {
  if (parts.some((p) => p.reload)) return { changes: [], reload: true };
  return mergeTableChanges(parts.flatMap((p) => p.changes));
}

export const isEmpty = (changes: TableChanges) => !changes.reload && changes.changes.length === 0;

export const tableDeleted = (changes: TableChanges) =>
  changes.changes.some((c) => c.kind === "table" && c.op === "deleted");

const PRUNE = `
  WITH gone AS (
    DELETE FROM table_changes WHERE created_at < now() - $1::int * interval '1 second' AND table_id <> '${PRUNED}'::uuid
    RETURNING change_xid
  ), horizon AS (
    SELECT GREATEST(max(g.change_xid), (SELECT max(change_xid) FROM table_changes WHERE table_id = '${PRUNED}'::uuid)) AS xid
      FROM gone g HAVING count(*) > 0
  ), replaced AS (
    DELETE FROM table_changes WHERE table_id = '${PRUNED}'::uuid AND EXISTS (SELECT 1 FROM horizon)
  )
  INSERT INTO table_changes (table_id, kind, op, change_xid) SELECT '${PRUNED}'::uuid, 'pruned', 'deleted', xid FROM horizon`;

/** Drops entries older than `seconds` and records how far, so older cursors are told to reload. */
export async function pruneTableChanges({ seconds }: { seconds: number }, db: Tx) {
  await db.$executeRawUnsafe(PRUNE, seconds);
}
