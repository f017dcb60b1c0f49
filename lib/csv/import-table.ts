import "server-only";
import { getDb } from "../db";
import type { TableDto } from "../tables/serialize";
import { getTable } from "../tables/tables";
import { openCsvStream } from "./csv-stream";
import { uniqueKeys } from "./header-key";
import { type ImportProgress, importTransaction, insertBatches, refreshRowStatistics } from "./insert-rows";

export type ImportResult = { data: TableDto; meta: { imported: number; createdColumns: string[] } };

/**
 * A new table from a streamed CSV body: the header row names the columns (keys derived from
 * the names, labels kept as written; each typed by its values: lib/csv/infer-types.ts), every
 * other record becomes a row, inserted in batches while the upload goes on. One transaction: a
 * failure or a disconnect leaves no table behind.
 */
export async function importCsvAsTable(
  {
    workspaceId,
    name,
    description,
    request,
    onProgress,
  }: {
    workspaceId: string;
    name: string;
    description?: string;
    request: Request;
    onProgress?: (progress: ImportProgress) => void;
  },
  db = getDb(),
): Promise<ImportResult> {
  const { headers, batches } = await openCsvStream(request);
  const keys = uniqueKeys(headers);
  const result = await db.$transaction(async (tx) => {
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
    const imported = await insertBatches(tx, { tableId: table.id, keys, batches, onProgress, typeColumns: keys });
    return { data: await getTable({ tableId: table.id }, tx), meta: { imported, createdColumns: keys } };
  }, importTransaction());
  await refreshRowStatistics(result.meta.imported);
  return result;
}
