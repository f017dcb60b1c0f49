import "server-only";
import type pg from "pg";
import { getDb, newSessionClient, type Tx } from "../db";
import { AppError, invalid, notFound } from "../errors";
import { readOwn } from "../json";
import { SqlParams } from "../sql";
import { compileFilter, sortValue } from "../views/compile-filter";
import { resolveView } from "../views/list-rows";
import type { ViewColumn } from "../views/resolve";
import { sortDirection } from "../views/row-window";
import type { ExportQuery } from "./schemas";
import { type CsvOptions, csvRecord } from "./serialize";

// A table, or a view of it, as CSV, streamed from one server-side cursor: the rows are read in
// the view's order (GET /rows's: the sort keys, then `position`) in pages while the client
// consumes them, all from one snapshot, so a download of 1,000,000 rows is one pass over the
// matching rows, never sits in memory and shows the table as it was when it started, whatever
// is written meanwhile. The cursor lives in a connection of its own (not a pool's, which a slow
// download would hold from the API); at most MAX_EXPORTS run at once per process.

/** Rows fetched from the cursor per chunk of the download. */
export const EXPORT_PAGE = 2_000;
/** Exports streaming at once in this process; more are refused with a 429 until one ends. */
export const MAX_EXPORTS = 8;
/** A download whose client reads nothing for this long is ended (its snapshot released). */
const IDLE_TIMEOUT = "10min";

let running = 0;

/** A checked export: its file name, and `open` to start reading it (HEAD needs only the name). */
export type CsvExport = { filename: string; open: () => Promise<ReadableStream<Uint8Array>> };

/**
 * Content-Disposition for a download named `filename`: an ASCII `filename` for old clients and
 * the exact name as `filename*` (RFC 8187: beyond letters, digits and a few marks, every byte is
 * percent-encoded, so ' ( ) * too, which encodeURIComponent leaves).
 */
export function attachmentHeader(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_");
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

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

type ExportColumn = ViewColumn & { label: string };

/** The columns to write, in order: `keys` if given (each a column of the table, once), else all. */
function pickColumns(columns: ExportColumn[], keys: string[] | undefined): ExportColumn[] {
  if (keys === undefined) return columns;
  const byKey = new Map(columns.map((c) => [c.key, c]));
  const problems = keys.flatMap((key, i) =>
    !byKey.has(key)
      ? [{ path: `columns.${i}`, message: `unknown column "${key}"` }]
      : keys.indexOf(key) !== i
        ? [{ path: `columns.${i}`, message: `column "${key}" is listed twice` }]
        : [],
  );
  if (problems.length > 0) throw invalid("The columns do not fit this table", problems);
  return keys.map((key) => byKey.get(key) as ExportColumn);
}

/** The statement of the export's rows: the view's rows (all rows without one) in its order. */
function exportStatement(tableId: string, columns: ViewColumn[], query: ExportQuery) {
  const { filter, sort } = resolveView(query, columns);
  const params = new SqlParams([tableId]);
  const where = filter ? compileFilter(filter, params, "r", { tableId }) : "true";
  const order = [...sort.map((s) => `${sortValue(s, params, "r")} ${sortDirection(s)}`), "r.position"].join(", ");
  return {
    text: `SELECT r.data FROM rows r WHERE r.table_id = $1::uuid AND ${where} ORDER BY ${order}`,
    values: params.values,
  };
}

/**
 * Opens the cursor (a failure here is an error answer, before any byte is sent) and returns the
 * stream that reads it: the header, then a chunk per page; the connection ends with the last
 * page, or when the client goes away (cancel).
 */
async function cursorStream(
  statement: { text: string; values: unknown[] },
  columns: ExportColumn[],
  options: CsvOptions,
  /** Start with a UTF-8 byte order mark (Excel reads the file as UTF-8 only with it). */
  bom = false,
): Promise<ReadableStream<Uint8Array>> {
  const client = newSessionClient({ name: "glaze-export" });
  // A connection the server ends (the idle timeout) must not become an uncaught error.
  client.on("error", () => {});
  let open = true;
  const release = async () => {
    if (!open) return;
    open = false;
    running--;
    await client.end().catch(() => {});
  };
  running++;
  try {
    await client.connect();
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await client.query(`SET LOCAL idle_in_transaction_session_timeout = '${IDLE_TIMEOUT}'`);
    await client.query(`DECLARE glaze_export NO SCROLL CURSOR FOR ${statement.text}`, statement.values);
  } catch (error) {
    await release();
    throw error;
  }
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(
        encoder.encode(
          (bom ? "\uFEFF" : "") +
            csvRecord(
              columns.map((c) => c.label),
              options,
            ),
        ),
      );
    },
    async pull(controller) {
      let page: pg.QueryResult<{ data: Record<string, unknown> | null }>;
      try {
        page = await client.query(`FETCH ${EXPORT_PAGE} FROM glaze_export`);
      } catch (error) {
        await release();
        controller.error(error);
        return;
      }
      let chunk = "";
      for (const row of page.rows)
        chunk += csvRecord(
          columns.map((c) => readOwn(row.data ?? {}, c.key)),
          options,
        );
      if (chunk !== "") controller.enqueue(encoder.encode(chunk));
      if (page.rows.length < EXPORT_PAGE) {
        await client.query("COMMIT").catch(() => {});
        await release();
        controller.close();
      }
    },
    async cancel() {
      await release();
    },
  });
}

/**
 * The table as CSV (header of column labels, then each row's values), or the rows of a view of
 * it (`filter`, `sort`, `q` as in GET /rows) and the `columns` asked for. A missing table is a
 * 404 and a query that does not fit the table a 422, before the first byte; `open` opens the
 * cursor (a 429 when MAX_EXPORTS are already streaming).
 */
export async function exportTableCsv(
  { tableId, query = {} }: { tableId: string; query?: ExportQuery },
  db: Tx = getDb(),
): Promise<CsvExport> {
  const table = await db.table.findUnique({
    where: { id: tableId },
    select: {
      name: true,
      columns: {
        orderBy: [{ order: "asc" }, { createdAt: "asc" }],
        select: { id: true, key: true, label: true, dataType: true },
      },
    },
  });
  if (!table) throw notFound("table", tableId);
  const all = table.columns as ExportColumn[];
  const columns = pickColumns(all, query.columns);
  const statement = exportStatement(tableId, all, query);
  const open = async () => {
    if (running >= MAX_EXPORTS) {
      const message = `${MAX_EXPORTS} exports are already running here; try again when one ends`;
      throw new AppError("too_many_requests", message, { retryAfterSeconds: 5 });
    }
    return cursorStream(statement, columns, { escapeFormulas: query.formulas !== "keep" }, query.bom === "1");
  };
  // A view's download is told apart from the whole table's by its name.
  const apart = [
    query.filter || query.q ? "filtered" : "",
    query.sort?.length ? "sorted" : "",
    query.columns ? "some columns" : "",
  ].filter(Boolean);
  const part = apart.length > 0 ? ` (${apart.join(", ")})` : "";
  return { filename: exportFilename(`${table.name}${part}`), open };
}
