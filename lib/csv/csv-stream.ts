import "server-only";
import { MAX_COLUMNS_PER_TABLE } from "../columns/schemas";
import { AppError, invalid } from "../errors";
import { CsvStreamParser, CsvSyntaxError, type ParsedCsv } from "./parse";
import { checkHeader, checkRecord, MAX_DETAILS, MAX_VALUE_LENGTH } from "./prepare";
import { readCsvBody } from "./read-body";

/** Records per insert batch, and the text a batch may hold: together they bound an import's memory. */
export const BATCH_ROWS = 5_000;
export const BATCH_CHARS = 4 * 1024 * 1024;
/** A record can be no longer than its longest valid form (every value at the cap, quoted) plus slack. */
const MAX_RECORD_CHARS = MAX_COLUMNS_PER_TABLE * (MAX_VALUE_LENGTH * 2 + 3) + 1024;

export type CsvBatch = {
  records: string[][];
  /** Body bytes read when the batch was cut. */
  bytes: number;
};
export type CsvStream = { headers: string[]; batches: AsyncGenerator<CsvBatch> };

const malformed = (error: CsvSyntaxError) =>
  new AppError("bad_request", `The CSV is malformed: ${error.message}`, [
    { path: `line.${error.line}`, message: error.message },
  ]);

async function* parsedChunks(request: Request): AsyncGenerator<ParsedCsv & { bytes: number }> {
  const parser = new CsvStreamParser(MAX_RECORD_CHARS);
  let bytes = 0;
  try {
    for await (const chunk of readCsvBody(request)) {
      bytes = chunk.bytes;
      yield { ...parser.push(chunk.text), bytes };
    }
    yield { ...parser.end(), bytes };
  } catch (error) {
    throw error instanceof CsvSyntaxError ? malformed(error) : error;
  }
}

/**
 * Reads a CSV request body as a stream: `headers` once the header record has arrived (a 422 for
 * a bad header, with the data records' problems too), then `batches` of validated records while
 * the upload goes on. Malformed syntax → 400 naming the line; ragged, over-long or unstorable
 * values → 422 listing the first problems: after the first, nothing more is yielded, reading
 * goes on until the 20th problem or the end, and the generator throws. The caller inserts each
 * batch inside one transaction, so a failure at any point leaves nothing.
 */
export async function openCsvStream(request: Request): Promise<CsvStream> {
  const chunks = parsedChunks(request);
  let first = await chunks.next();
  while (!first.done && first.value.records.length === 0) first = await chunks.next();
  if (first.done) throw invalid("The CSV is empty: a header row naming the columns is expected");
  const { headers, problems } = checkHeader(first.value.records[0]);
  const leftover: ParsedCsv = { records: first.value.records.slice(1), lines: first.value.lines.slice(1) };
  const firstBytes = first.value.bytes;

  async function* batches(): AsyncGenerator<CsvBatch> {
    let records: string[][] = [];
    let chars = 0;
    // Batches are cut at BATCH_ROWS records or BATCH_CHARS of text exactly, however many records
    // one network chunk brings (a chunk may hold tens of thousands of short ones).
    let ready: CsvBatch[] = [];
    const take = (parsed: ParsedCsv, bytes: number) => {
      for (let r = 0; r < parsed.records.length && problems.length < MAX_DETAILS; r++) {
        checkRecord(parsed.records[r], parsed.lines[r], headers, problems);
        if (problems.length > 0) continue;
        records.push(parsed.records[r]);
        for (const value of parsed.records[r]) chars += value.length;
        if (records.length >= BATCH_ROWS || chars >= BATCH_CHARS) {
          ready.push({ records, bytes });
          records = [];
          chars = 0;
        }
      }
    };
    // Once a record has a problem nothing more is yielded: the caller's transaction is lost anyway.
    function* drain(): Generator<CsvBatch> {
      const out = problems.length === 0 ? ready : [];
      ready = [];
      yield* out;
    }
    take(leftover, firstBytes);
    yield* drain();
    let bytes = firstBytes;
    for await (const parsed of chunks) {
      bytes = parsed.bytes;
      take(parsed, bytes);
      if (problems.length >= MAX_DETAILS) break;
      yield* drain();
    }
    if (problems.length > 0) throw invalid("The CSV does not fit a table", problems.slice(0, MAX_DETAILS));
    if (records.length > 0) yield { records, bytes };
  }

  if (problems.length > 0) {
    // Lists the records' problems beside the header's, as one 422.
    for await (const _ of batches()) {
      // nothing is yielded once there is a problem
    }
  }
  return { headers, batches: batches() };
}
