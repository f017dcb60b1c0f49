import { getDb } from "../db";
import { invalid } from "../errors";
import type { Row } from "../generated/prisma/client";
import { columnKeysFor, unknownKeys } from "./rows";
import type { UpdateRowsInput } from "./schemas";
import { type RowData, type RowDto, serializeRow } from "./serialize";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Merges values into many rows at once (a paste): all rows or none. Each row's keys are
 * merged atomically in SQL, like PATCH of one row; null removes a key. Ids that are not rows
 * of this table are a 422 naming them, and nothing is written.
 */
export async function updateRows(
  { tableId, input }: { tableId: string; input: UpdateRowsInput },
  db = getDb(),
): Promise<RowDto[]> {
  return db.$transaction(async (tx) => {
    const keys = await columnKeysFor(tx, tableId);
    const problems = unknownKeys(input.rows, keys);
    if (problems.length > 0) throw invalid("Row data may only use the table's column keys", problems.slice(0, 100));

    const ids = input.rows.map((r) => r.id.toLowerCase());
    const wellFormed = ids.filter((id) => UUID.test(id));
    const found = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM rows WHERE table_id = ${tableId}::uuid AND id = ANY(${wellFormed}::uuid[])`;
    const known = new Set(found.map((r) => r.id));
    const unknownRowIds = input.rows.map((r) => r.id).filter((id) => !known.has(id.toLowerCase()));
    if (unknownRowIds.length > 0) {
      throw invalid(`${unknownRowIds.length} row id(s) are not in this table`, {
        unknownRowIds: unknownRowIds.slice(0, 100),
      });
    }

    const sets = input.rows.map((r) =>
      JSON.stringify(Object.fromEntries(Object.entries(r.data).filter(([, v]) => v !== null)) as RowData),
    );
    const removes = input.rows.map((r) =>
      JSON.stringify(
        Object.entries(r.data)
          .filter(([, v]) => v === null)
          .map(([k]) => k),
      ),
    );
    // Rows are locked in id order first, so two overlapping pastes cannot deadlock.
    await tx.$queryRaw`SELECT id FROM rows WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
    const updated = await tx.$queryRaw<Row[]>`
      WITH u AS (
        SELECT * FROM unnest(${ids}::uuid[], ${sets}::jsonb[], ${removes}::jsonb[]) AS u(id, set, remove)
      )
      UPDATE rows r
         SET data = (r.data - ARRAY(SELECT jsonb_array_elements_text(u.remove))) || u.set, updated_at = now()
        FROM u
       WHERE r.id = u.id AND r.table_id = ${tableId}::uuid
      RETURNING r.id, r.table_id AS "tableId", r.position, r.data, r.cell_states AS "cellStates", r.status,
                r.confidence, r.error, r.last_run_at AS "lastRunAt", r.created_at AS "createdAt", r.updated_at AS "updatedAt"`;
    return updated.sort((a, b) => Number(a.position - b.position)).map(serializeRow);
  });
}
