import { parseNumber } from "@/lib/views/values";
import type { CellValueProps } from "./cell-value-props";

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
    return (
      <span
        data-not-a-number="true"
        title={`Not a number: sorts after the numbers and matches no number filter (${String(value)})`}
        className="ml-auto truncate text-amber-800 underline decoration-amber-500 decoration-dotted"
      >
        {String(value)}
      </span>
    );
  }
  return <span className="ml-auto truncate tabular-nums">{format.format(Number(parsed))}</span>;
}
