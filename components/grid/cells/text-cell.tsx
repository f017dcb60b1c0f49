import type { CellValueProps } from "./cell-value-props";

export function TextCell({ value }: CellValueProps) {
  if (value === null || value === undefined || value === "") return null;
  return <span className="truncate">{String(value)}</span>;
}
