import "server-only";
import { env } from "../env";
import { AppError } from "../errors";

const ACCEPTED = ["text/csv", "text/plain", "application/csv", "application/octet-stream", "application/vnd.ms-excel"];

export type CsvText = {
  text: string;
  /** Body bytes read so far. */
  bytes: number;
};

/**
 * The raw CSV body as UTF-8 text, chunk by chunk as it arrives: 415 for another media type,
 * 413 over the limit (GLAZE_CSV_IMPORT_MAX_BYTES, before or while it arrives), 400 if not UTF-8.
 * Nothing is kept between chunks. A client that disconnects ends the stream with an error.
 */
export async function* readCsvBody(request: Request, limit = env.csvImportMaxBytes): AsyncGenerator<CsvText> {
  const type = request.headers.get("content-type")?.split(";")[0].trim().toLowerCase();
  if (type && !ACCEPTED.includes(type)) {
    throw new AppError(
      "unsupported_media_type",
      `Send the CSV as the raw request body with content-type text/csv, not ${type}`,
    );
  }
  const tooLarge = () => new AppError("payload_too_large", `The CSV is larger than ${limit} bytes`, { limit });
  const interrupted = () => new AppError("bad_request", "The upload was interrupted before the CSV ended");
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  if (!request.body) return;
  // fatal: a Latin-1 export would otherwise import with replacement characters.
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const decode = (chunk?: Uint8Array) => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch {
      throw new AppError("bad_request", "The CSV is not valid UTF-8 text; save it as UTF-8 and try again");
    }
  };
  const reader = request.body.getReader();
  const cancel = () => void reader.cancel(new Error("the client went away")).catch(() => {});
  request.signal?.addEventListener("abort", cancel, { once: true });
  let bytes = 0;
  try {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch {
        throw interrupted();
      }
      const { done, value } = next;
      // A cancelled reader reports "done": without this check an abort would commit a truncated file.
      if (request.signal?.aborted) throw interrupted();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > limit) throw tooLarge();
      yield { text: decode(value), bytes };
    }
    yield { text: decode(), bytes };
  } finally {
    request.signal?.removeEventListener("abort", cancel);
    // Stops the upload when the import ends early (an error, the 20th problem).
    await reader.cancel().catch(() => {});
  }
}
