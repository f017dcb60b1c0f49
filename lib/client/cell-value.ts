import { readOwn } from "../json";
import type { ColumnDto, RowData } from "./fetchers";
import { typedNumber } from "./filter-edit";

/**
 * Typed input → the value stored: numbers (also "1,234.5") and booleans in such columns, ""
 * clears; what is no number in a number column is kept as typed (and shown as not a number).
 */
export function toCellValue(text: string | null, column: ColumnDto): RowData[string] {
  if (text === null || text.trim() === "") return null;
  if (column.dataType === "number") {
    const number = typedNumber(text);
    if (number !== null && Number.isFinite(number)) return number;
  }
  if (column.dataType === "boolean" && /^(true|false)$/i.test(text.trim())) return text.trim().toLowerCase() === "true";
  return text;
}

/** The value of column `key` in a row's data (own properties only: a key may be "constructor"). */
export function cellValueOf(data: RowData | undefined, key: string): RowData[string] | undefined {
  return readOwn(data, key) as RowData[string] | undefined;
}
