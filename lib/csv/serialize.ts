// RFC 4180 output: CRLF line ends; a field is quoted when it holds a comma, a quote, a line
// break, or leading/trailing spaces (which some readers would otherwise trim).
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

// A spreadsheet opening the file evaluates a cell that starts with one of these as a formula
// (`=HYPERLINK(...)`, `+cmd|' /C calc'!A0`, `@SUM(...)`). Such text gets a leading apostrophe,
// which spreadsheets show as text (OWASP "CSV injection"). Numbers stay numbers, written as
// numbers or as text that is one number and nothing else ("-5", "+7", "-1.5e3": CSV imports
// store every value as text), since a spreadsheet reads those as the number they are. Text
// that already starts with apostrophes before such a character gets one more, so that an
// import, which removes one (unescapeCsvValue), gives back exactly what was exported.
const FORMULA_START = /^'*[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$/;
const ESCAPED = /^'+[=+\-@\t\r]/;

/** `escapeFormulas: false`: values as they are, for another tool's import (a phone "+1 415…" stays as typed). */
export type CsvOptions = { escapeFormulas?: boolean };

export function csvField(value: unknown, { escapeFormulas = true }: CsvOptions = {}): string {
  if (value === null || value === undefined) return "";
  let text = typeof value === "object" ? JSON.stringify(value) : String(value);
  if (escapeFormulas && typeof value !== "number" && FORMULA_START.test(text) && !PLAIN_NUMBER.test(text))
    text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * An imported value as it was before export escaped it: one leading apostrophe before a
 * formula character is the escape (as in spreadsheets, where it only marks text), not part of
 * the value.
 */
export function unescapeCsvValue(text: string): string {
  return ESCAPED.test(text) ? text.slice(1) : text;
}

/** One record with its line end. A lone empty field is written `""` so the line is not blank. */
export function csvRecord(values: readonly unknown[], options: CsvOptions = {}): string {
  if (values.length === 1 && csvField(values[0], options) === "") return '""\r\n';
  return `${values.map((value) => csvField(value, options)).join(",")}\r\n`;
}
