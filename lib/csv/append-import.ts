import "server-only";
import { MAX_COLUMNS_PER_TABLE } from "../columns/schemas";
import { getDb } from "../db";
import { keysBeingRemoved } from "../enrichment/store";
import { invalid } from "../errors";
import { getTable, lockTable } from "../tables/tables";
import { openCsvStream } from "./csv-stream";
import { headerToKey, uniqueKeys } from "./header-key";
import type { ImportResult } from "./import-table";
import { type ImportProgress, importTransaction, insertBatches, refreshRowStatistics } from "./insert-rows";

type ColumnRef = { key: string; label: string };

/** The column a header names: its exact key, else its label (any case), else the key derived from it. */
function matchHeader(header: string, columns: ColumnRef[]): ColumnRef | undefined {
  const lower = header.toLowerCase();
  return (
    columns.find((c) => c.key === header) ??
    columns.find((c) => c.label.toLowerCase() === lower) ??
    columns.find((c) => c.key === headerToKey(header))
  );
}

/**
 * The column key each header names (undefined: none). A header row made of labels only, as the
 * export writes it, is read by label, the n-th of a repeated label naming the n-th column with
 * it: a table's own export appends back into the columns it came from, even when a label is
 * another column's key or two columns share a label. Any other row is read header by header
 * (matchHeader).
 */
function matchHeaders(headers: string[], columns: ColumnRef[]): (string | undefined)[] {
  const byLabel = new Map<string, ColumnRef[]>();
  for (const column of columns) {
    const label = column.label.toLowerCase();
    byLabel.set(label, [...(byLabel.get(label) ?? []), column]);
  }
  const used = new Map<string, number>();
  const labels = headers.map((header) => {
    const label = header.toLowerCase();
    const nth = used.get(label) ?? 0;
    used.set(label, nth + 1);
    return byLabel.get(label)?.[nth]?.key;
  });
  if (labels.every((key) => key !== undefined)) return labels;
  return headers.map((header) => matchHeader(header, columns)?.key);
}

/**
 * Appends a CSV's records to an existing table, matching headers to columns (in any order).
 * Headers that match no column are a 422, unless `createColumns` adds them at the end.
 * Columns missing from the CSV stay empty. Records are inserted while the body streams in, in
 * one transaction holding the table lock: a failure or a disconnect appends nothing.
 */
export async function appendCsvToTable(
  {
    tableId,
    request,
    createColumns,
    onProgress,
  }: {
    tableId: string;
    request: Request;
    createColumns: boolean;
    onProgress?: (progress: ImportProgress) => void;
  },
  db = getDb(),
): Promise<ImportResult> {
  const { headers, batches } = await openCsvStream(request);
  const result = await db.$transaction(async (tx) => {
    await lockTable(tx, tableId);
    const existing = await tx.column.findMany({ where: { tableId }, orderBy: { order: "asc" } });
    const keys = matchHeaders(headers, existing);
    const problems: { path: string; message: string }[] = [];
    const seen = new Map<string, number>();
    keys.forEach((key, index) => {
      if (key === undefined) return;
      if (seen.has(key))
        problems.push({
          path: `header.${index}`,
          message: `"${headers[index]}" names the same column as "${headers[seen.get(key) ?? 0]}"`,
        });
      seen.set(key, index);
    });
    const unknown = headers.map((h, i) => ({ h, i })).filter(({ i }) => keys[i] === undefined);
    if (unknown.length > 0 && !createColumns) {
      for (const { h, i } of unknown) problems.push({ path: `header.${i}`, message: `no column matches "${h}"` });
    }
    if (existing.length + (createColumns ? unknown.length : 0) > MAX_COLUMNS_PER_TABLE) {
      problems.push({ path: "header", message: `a table can have at most ${MAX_COLUMNS_PER_TABLE} columns` });
    }
    if (problems.length > 0) {
      const hint = unknown.length > 0 && !createColumns ? " (pass createColumns=true to add missing ones)" : "";
      throw invalid(`The CSV's header does not match the table's columns${hint}`, problems);
    }
    // A deleted column's key still being removed from the rows is taken too (forget-column.ts).
    const newKeys = uniqueKeys(
      unknown.map(({ h }) => h),
      [...existing.map((c) => c.key), ...(unknown.length > 0 ? await keysBeingRemoved(tableId, tx) : [])],
    );
    if (unknown.length > 0) {
      await tx.column.createMany({
        data: unknown.map(({ h }, n) => ({
          tableId,
          key: newKeys[n],
          label: h,
          dataType: "text" as const,
          order: existing.length + n,
        })),
      });
      unknown.forEach(({ i }, n) => {
        keys[i] = newKeys[n];
      });
    }
    const imported = await insertBatches(tx, {
      tableId,
      keys: keys as string[],
      batches,
      onProgress,
      typeColumns: newKeys,
    });
    return { data: await getTable({ tableId }, tx), meta: { imported, createdColumns: newKeys } };
  }, importTransaction());
  await refreshRowStatistics(result.meta.imported);
  return result;
}
