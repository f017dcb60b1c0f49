import "server-only";
import type { Tx } from "../db";
import { notFound } from "../errors";
import type { ViewColumn } from "./resolve";

/** The table's columns as filters and sorts resolve them, or a 404 when the table does not exist. */
export async function viewColumnsOf(db: Tx, tableId: string): Promise<ViewColumn[]> {
  const found = await db.$queryRaw<{ table: string; id: string | null; key: string | null; dataType: string | null }[]>`
    SELECT t.id::text AS table, c.id::text AS id, c.key, c.data_type::text AS "dataType"
      FROM tables t LEFT JOIN columns c ON c.table_id = t.id
     WHERE t.id = ${tableId}::uuid`;
  if (found.length === 0) throw notFound("table", tableId);
  return found.flatMap((c) =>
    c.id && c.key ? [{ id: c.id, key: c.key, dataType: c.dataType as ViewColumn["dataType"] }] : [],
  );
}
