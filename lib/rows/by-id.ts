// Rows looked up by id within a table. The ids are found through the primary key first and only
// then checked against the table, in a subquery Postgres cannot merge into the outer query
// (OFFSET 0): given `table_id = $1 AND id = ANY($2)`, a table the statistics have not seen yet
// (one imported or filled a moment ago is estimated at about one row) was read whole through
// the (table_id, position) index, each row compared with the list: 1,000,000 rows for 10 ids
// (tests/lib/query-plans.test.ts).

/** The rows whose ids are in $2 (uuid[]), as `r` (id, table_id, position); the caller checks `r.table_id`. */
export const ROWS_BY_ID = `(SELECT id, table_id, position FROM rows WHERE id = ANY($2::uuid[]) OFFSET 0) r`;

/** The ids among $2 (uuid[]) that are rows of table $1 (uuid), as text. */
export const ROW_IDS_OF_TABLE = `SELECT r.id::text AS id FROM ${ROWS_BY_ID} WHERE r.table_id = $1::uuid`;

/** Locks the rows of table $1 whose ids are in $2 (FOR UPDATE, in id order) and returns their ids as text. */
export const LOCK_ROWS_OF_TABLE = `SELECT l.id::text AS id FROM rows l
  WHERE l.id IN (SELECT r.id FROM ${ROWS_BY_ID} WHERE r.table_id = $1::uuid)
  ORDER BY l.id FOR UPDATE OF l`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The distinct well-formed ids of `ids`, lower-cased: the $2 of the statements above (a malformed id is no row). */
export function wellFormedIds(ids: readonly string[]): string[] {
  return [...new Set(ids.filter((id) => UUID.test(id)).map((id) => id.toLowerCase()))];
}
