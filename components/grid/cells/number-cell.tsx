import type { CellValueProps } from "./cell-value-props";

const format = new Intl.NumberFormat("en-US", { maximumFractionDigits: 6 });

export function NumberCell({ value }: CellValueProps) {
  if (value === null || value === undefined || value === "") return null;
  const number = typeof value === "number" ? value : Number(value);
  return (
    <span className="ml-auto truncate tabular-nums">
      {Number.isFinite(number) ? format.format(number) : String(value)}
    </span>
  );
}
