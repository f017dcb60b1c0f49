import { isStorable, NOT_STORABLE } from "../api/text";
import { MAX_COLUMNS_PER_TABLE } from "../columns/schemas";
import { AppError, invalid } from "../errors";
import { CsvSyntaxError, parseCsv } from "./parse";

// The same cap as a cell value sent as JSON (lib/rows/schemas.ts).
const MAX_VALUE_LENGTH = 10_000;
const MAX_DETAILS = 20;

export type PreparedCsv = {
  headers: string[];
  /** Data records (the header removed), each as long as `headers`. */
  records: string[][];
};

type Detail = { path: string; message: string };

/**
 * Parses and validates a CSV body: malformed syntax → 400, no header / unnamed or too many
 * columns / ragged records / over-long values → 422 listing the first problems by line.
 */
export function prepareCsv(text: string): PreparedCsv {
  let parsed: ReturnType<typeof parseCsv>;
  try {
    parsed = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      throw new AppError("bad_request", `The CSV is malformed: ${error.message}`, [
        { path: `line.${error.line}`, message: error.message },
      ]);
    }
    throw error;
  }
  const [header, ...records] = parsed.records;
  if (!header) throw invalid("The CSV is empty: a header row naming the columns is expected");
  const headers = header.map((h) => h.trim());
  const problems: Detail[] = [];
  headers.forEach((name, index) => {
    if (name === "") problems.push({ path: `header.${index}`, message: `column ${index + 1} has no name` });
    if (name.length > 200)
      problems.push({ path: `header.${index}`, message: "a column name may be at most 200 characters" });
    if (!isStorable(name)) problems.push({ path: `header.${index}`, message: `the column name ${NOT_STORABLE}` });
  });
  if (headers.length > MAX_COLUMNS_PER_TABLE) {
    problems.push({ path: "header", message: `a table can have at most ${MAX_COLUMNS_PER_TABLE} columns` });
  }
  for (let r = 0; r < records.length && problems.length < MAX_DETAILS; r++) {
    const record = records[r];
    const line = parsed.lines[r + 1];
    if (record.length !== headers.length) {
      problems.push({ path: `line.${line}`, message: `expected ${headers.length} fields, found ${record.length}` });
      continue;
    }
    for (let c = 0; c < record.length; c++) {
      if (record[c].length > MAX_VALUE_LENGTH) {
        problems.push({
          path: `line.${line}.${headers[c]}`,
          message: `a value may be at most ${MAX_VALUE_LENGTH} characters`,
        });
      } else if (!isStorable(record[c])) {
        problems.push({ path: `line.${line}.${headers[c]}`, message: `a value ${NOT_STORABLE}` });
      }
    }
  }
  if (problems.length > 0) throw invalid("The CSV does not fit a table", problems.slice(0, MAX_DETAILS));
  return { headers, records };
}

/** Row data for insertion: empty fields are left out, as a cleared cell is. */
export function recordToData(record: readonly string[], keys: readonly string[]): Record<string, string> {
  const data: Record<string, string> = Object.create(null);
  for (let c = 0; c < keys.length; c++) {
    if (record[c] !== "") data[keys[c]] = record[c];
  }
  return data;
}
