import { parseNumber } from "@/lib/views/values";
import type { CellValueProps } from "./cell-value-props";
import { UnreadableValue } from "./unreadable-value";

const format = new Intl.NumberFormat("en-US", { maximumFractionDigits: 6 });

/**
 * A number column's value, formatted. Text that is not a number as sorts and filters read it
 * (lib/views/values.ts: "1,234", "abc", "0x10") is shown as it is, marked, so a sort that puts
 * it last or a filter that skips it is no surprise.
 */
export function NumberCell({ value }: CellValueProps) {
  if (value === null || value === undefined || value === "") return null;
  const parsed = parseNumber(value);
  if (parsed === null) {
    const why = "Not a number: sorts after the numbers and matches no number filter";
    return <UnreadableValue value={value} type="number" why={why} className="ml-auto" />;
  }
  return <span className="ml-auto truncate tabular-nums">{format.format(Number(parsed))}</span>;
}
