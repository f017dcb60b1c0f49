import type { ErrorBody } from "@/lib/api/respond";
import type { ImportResult } from "@/lib/csv/import-table";
import { ApiError, pageHeaders } from "./http";

/** Where an import stands: bytes sent by the browser, then rows the server has inserted. */
export type ImportProgress = { sent: number; total: number; rows: number; read: number };

/**
 * One bar for the whole import: half for the bytes the browser sent, half for the bytes the
 * server has read into inserted rows. Both only grow, so the bar only moves forward, though
 * the server's progress lines may reach the page only once the upload is over (browsers read
 * the answer after sending the body): it then jumps ahead, never back.
 */
export function importProgressView(progress: ImportProgress): { percent: number; label: string } {
  const total = Math.max(progress.total, 1);
  const share = (bytes: number) => Math.min(1, Math.max(0, bytes) / total);
  // The server inserts rows as the file arrives (at most two batches behind it), but browsers
  // hand over its progress lines only once the upload is done: until then the bytes sent are
  // the best measure of the import, and the rest is its last rows and their statistics.
  const percent = Math.min(
    100,
    Math.floor(Math.max(90 * share(progress.sent), 50 * share(progress.sent) + 50 * share(progress.read))),
  );
  const rows = progress.rows > 0 ? `${progress.rows.toLocaleString("en-US")} rows inserted` : "";
  const uploading = progress.sent < total;
  const label = uploading
    ? `Importing ${Math.floor(100 * share(progress.sent))}%${rows ? ` · ${rows}` : ""}`
    : !rows
      ? "Inserting the last rows…"
      : progress.read >= total
        ? `Inserted ${progress.rows.toLocaleString("en-US")} rows · finishing…`
        : `Inserted ${progress.rows.toLocaleString("en-US")} rows`;
  return { percent, label };
}

type Line = { progress?: { rows: number; bytes: number }; status?: number } & Partial<ImportResult> &
  Partial<ErrorBody>;

function failure(status: number, body: Partial<ErrorBody> | undefined): ApiError {
  const error = body?.error;
  return new ApiError(
    status,
    error?.code ?? "http_error",
    error?.message ?? `Request failed (${status})`,
    error?.details,
  );
}

/**
 * POSTs a CSV file with XMLHttpRequest, which (unlike fetch) reports upload progress, and asks
 * for the import's NDJSON progress lines (lib/csv/import-response.ts): `onProgress` sees the
 * bytes sent, then the rows inserted and body bytes the server has read. Resolves the import's
 * result, rejects with an ApiError in the API's error shape.
 */
export function uploadCsv(url: string, file: Blob, onProgress: (progress: ImportProgress) => void) {
  return new Promise<ImportResult>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const state: ImportProgress = { sent: 0, total: file.size, rows: 0, read: 0 };
    let parsed = 0;
    let last: Line | undefined;
    const readLines = () => {
      const text = xhr.responseText;
      let end = text.indexOf("\n", parsed);
      while (end !== -1) {
        const line = JSON.parse(text.slice(parsed, end)) as Line;
        parsed = end + 1;
        end = text.indexOf("\n", parsed);
        if (line.progress) {
          state.rows = line.progress.rows;
          state.read = line.progress.bytes;
          onProgress({ ...state });
        } else last = line;
      }
    };
    xhr.open("POST", url);
    xhr.setRequestHeader("content-type", "text/csv");
    xhr.setRequestHeader("accept", "application/x-ndjson");
    for (const [name, value] of Object.entries(pageHeaders())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      state.sent = event.loaded;
      onProgress({ ...state });
    };
    xhr.onprogress = () => {
      if (xhr.getResponseHeader("content-type")?.startsWith("application/x-ndjson")) readLines();
    };
    xhr.onerror = () => reject(new TypeError("The upload failed"));
    xhr.onload = () => {
      try {
        if (xhr.getResponseHeader("content-type")?.startsWith("application/x-ndjson")) {
          readLines();
          if (last?.data && last.meta) resolve(last as ImportResult);
          else reject(failure(last?.status ?? 500, last));
          return;
        }
        const body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
        if (xhr.status >= 200 && xhr.status < 300) resolve(body as ImportResult);
        else reject(failure(xhr.status, body));
      } catch {
        reject(failure(xhr.status, undefined));
      }
    };
    xhr.send(file);
  });
}
