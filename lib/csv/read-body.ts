import "server-only";
import { readBodyBytes } from "../api/body";
import { AppError } from "../errors";

/** Import bodies may be large: 100,000 rows of a dozen columns is ~20 MB. */
export const CSV_BODY_LIMIT = 50 * 1024 * 1024;

const ACCEPTED = ["text/csv", "text/plain", "application/csv", "application/octet-stream", "application/vnd.ms-excel"];

/** Reads a raw CSV body as UTF-8: 415 for another media type, 413 over `limit`, 400 if not UTF-8. */
export async function readCsvBody(request: Request, limit = CSV_BODY_LIMIT): Promise<string> {
  const type = request.headers.get("content-type")?.split(";")[0].trim().toLowerCase();
  if (type && !ACCEPTED.includes(type)) {
    throw new AppError(
      "unsupported_media_type",
      `Send the CSV as the raw request body with content-type text/csv, not ${type}`,
    );
  }
  const bytes = await readBodyBytes(request, limit, "The CSV");
  try {
    // fatal: a Latin-1 export would otherwise import with replacement characters.
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("bad_request", "The CSV is not valid UTF-8 text; save it as UTF-8 and try again");
  }
}
