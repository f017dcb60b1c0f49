import { isStorable, NOT_STORABLE } from "../api/text";
import { MAX_COLUMNS_PER_TABLE } from "../columns/schemas";
import { unescapeCsvValue } from "./serialize";

// The same cap as a cell value sent as JSON (lib/rows/schemas.ts).
export const MAX_VALUE_LENGTH = 10_000;
/** Problems listed in one 422 before reading stops. */
export const MAX_DETAILS = 20;

export type Detail = { path: string; message: string };

/** The header's column names (trimmed) and what is wrong with them: unnamed, too long, too many. */
export function checkHeader(header: readonly string[]): { headers: string[]; problems: Detail[] } {
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
  return { headers, problems };
}

/** Adds a data record's problems (ragged, over-long or unstorable values) to `problems`. */
export function checkRecord(record: readonly string[], line: number, headers: readonly string[], problems: Detail[]) {
  if (record.length !== headers.length) {
    problems.push({ path: `line.${line}`, message: `expected ${headers.length} fields, found ${record.length}` });
    return;
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

/**
 * Row data for insertion: empty fields are left out, as a cleared cell is; a formula's escape
 * apostrophe (what an export adds, `'=SUM(A1)`) is removed, so an export appends back as it was.
 */
export function recordToData(record: readonly string[], keys: readonly string[]): Record<string, string> {
  const data: Record<string, string> = Object.create(null);
  for (let c = 0; c < keys.length; c++) {
    if (record[c] !== "") data[keys[c]] = unescapeCsvValue(record[c]);
  }
  return data;
}
