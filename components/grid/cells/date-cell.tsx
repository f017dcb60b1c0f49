import type { CellValueProps } from "./cell-value-props";

const format = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });

export function DateCell({ value }: CellValueProps) {
  if (value === null || value === undefined || value === "") return null;
  const date = new Date(typeof value === "boolean" ? Number.NaN : value);
  return (
    <span className="truncate tabular-nums">{Number.isNaN(date.getTime()) ? String(value) : format.format(date)}</span>
  );
}
