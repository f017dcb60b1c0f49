// How filter values are read for each column type. The patterns are the ones the database
// functions of the views migration use on stored values (glaze_to_number,
// glaze_parse_timestamp), so a value accepted here means the same thing there; a test runs
// both over the same samples. Pure: the grid's filter editor uses them too.

/** A decimal number, spaces around it allowed (glaze_to_number). */
export const NUMBER_PATTERN = /^ *[-+]?([0-9]{1,100}(\.[0-9]{0,100})?|\.[0-9]{1,100})([eE][-+]?[0-9]{1,3})? *$/;

/** ISO 8601: 2024-05-01, 2024-05-01T10:30, 2024-05-01 10:30:15.123, the time with Z or ±hh:mm (glaze_parse_timestamp). */
export const DATE_PATTERN =
  /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?(Z|[-+](0[0-9]|1[0-5]):?[0-5][0-9])?)?$/;

/** A number as text Postgres reads as numeric, or null if `value` is not one. */
export function parseNumber(value: unknown): string | null {
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : null;
  if (typeof value === "string" && NUMBER_PATTERN.test(value)) return value.trim();
  return null;
}

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * A date or date-time as given, and whether it is a whole day (no time part), or
 * null if it is not a valid ISO 8601 date. A whole day compares by its UTC day.
 */
export function parseDate(value: unknown): { text: string; wholeDay: boolean } | null {
  if (typeof value !== "string" || !DATE_PATTERN.test(value)) return null;
  const text = value;
  const [year, month, day] = [text.slice(0, 4), text.slice(5, 7), text.slice(8, 10)].map(Number);
  if (year < 1 || day > daysIn(year, month)) return null;
  return { text, wholeDay: text.length === 10 };
}

/** true/false, as a JSON boolean or the words in any case (glaze_to_boolean). */
export function parseBoolean(value: unknown): boolean | null {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value)) return value.toLowerCase() === "true";
  return null;
}
