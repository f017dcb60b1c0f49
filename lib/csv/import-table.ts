import "server-only";
import { getDb } from "../db";
import type { TableDto } from "../tables/serialize";
import { getTable } from "../tables/tables";
import { uniqueKeys } from "./header-key";
import { IMPORT_TRANSACTION, insertRecords } from "./insert-rows";
import { prepareCsv } from "./prepare";

export type ImportResult = { data: TableDto; meta: { imported: number; createdColumns: string[] } };

/**
 * A new table from a CSV: the header row names the columns (keys derived from the names,
 * labels kept as written), every other record becomes a row. One transaction: a failure
 * leaves no table behind.
 */
export async function importCsvAsTable(
  { workspaceId, name, description, csv }: { workspaceId: string; name: string; description?: string; csv: string },
  db = getDb(),
): Promise<ImportResult> {
  const { headers, records } = prepareCsv(csv);
  const keys = uniqueKeys(headers);
  return db.$transaction(async (tx) => {
    const table = await tx.table.create({
      data: {
        workspaceId,
        name,
        description: description ?? null,
        columns: {
          create: headers.map((label, order) => ({ key: keys[order], label, dataType: "text" as const, order })),
        },
      },
    });
    await insertRecords(tx, table.id, keys, records);
    return {
      data: await getTable({ tableId: table.id }, tx),
      meta: { imported: records.length, createdColumns: keys },
    };
  }, IMPORT_TRANSACTION);
}
