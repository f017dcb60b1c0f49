import "server-only";
import { getDb, type Tx } from "../db";
import { readOwn } from "../json";
import { getTable } from "../tables/tables";
import { csvRecord } from "./serialize";

/** Rows read per keyset page: small enough to stream steadily, large enough to be quick. */
export const EXPORT_PAGE = 2_000;

export type CsvExport = { filename: string; stream: ReadableStream<Uint8Array> };

/** "Q3 leads / EU" → "Q3 leads - EU.csv": safe in a content-disposition header on every OS. */
export function exportFilename(tableName: string): string {
  const base =
    tableName
      .replace(/[\\/:*?"<>|]+/g, " - ")
      .replace(/\p{Cc}+/gu, " ")
      .replace(/\s+/g, " ")
      .trim() || "table";
  return `${base.slice(0, 120)}.csv`;
}

/**
 * The table as CSV (header of column labels, then each row's values in column order),
 * streamed: rows are read in keyset pages of `position` while the client consumes them, so
 * a 100,000-row table never sits in memory. A missing table is a 404 before the first byte.
 */
export async function exportTableCsv({ tableId }: { tableId: string }, db: Tx = getDb()): Promise<CsvExport> {
  const table = await getTable({ tableId }, db);
  const columns = table.columns ?? [];
  const encoder = new TextEncoder();
  let after: bigint | undefined;
  let headerSent = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(csvRecord(columns.map((c) => c.label))));
        return;
      }
      const rows = await db.row.findMany({
        where: { tableId, ...(after !== undefined ? { position: { gt: after } } : {}) },
        orderBy: { position: "asc" },
        take: EXPORT_PAGE,
        select: { position: true, data: true },
      });
      if (rows.length > 0) {
        let chunk = "";
        for (const row of rows) {
          const data = (row.data ?? {}) as Record<string, unknown>;
          chunk += csvRecord(columns.map((c) => readOwn(data, c.key)));
        }
        controller.enqueue(encoder.encode(chunk));
        after = rows[rows.length - 1].position;
      }
      if (rows.length < EXPORT_PAGE) controller.close();
    },
  });
  return { filename: exportFilename(table.name), stream };
}
