// RFC 4180 output: CRLF line ends; a field is quoted when it holds a comma, a quote, a line
// break, or leading/trailing spaces (which some readers would otherwise trim).
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record with its line end. A lone empty field is written `""` so the line is not blank. */
export function csvRecord(values: readonly unknown[]): string {
  if (values.length === 1 && csvField(values[0]) === "") return '""\r\n';
  return `${values.map(csvField).join(",")}\r\n`;
}
