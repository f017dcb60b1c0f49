import { readOwn } from "../json";
import type { ColumnDto, RowData } from "./fetchers";

/** Typed input → the value stored: numbers and booleans in such columns, "" clears. */
export function toCellValue(text: string | null, column: ColumnDto): RowData[string] {
  if (text === null || text.trim() === "") return null;
  if (column.dataType === "number" && Number.isFinite(Number(text))) return Number(text);
  if (column.dataType === "boolean" && /^(true|false)$/i.test(text.trim())) return text.trim().toLowerCase() === "true";
  return text;
}

/** The value of column `key` in a row's data (own properties only: a key may be "constructor"). */
export function cellValueOf(data: RowData | undefined, key: string): RowData[string] | undefined {
  return readOwn(data, key) as RowData[string] | undefined;
}
