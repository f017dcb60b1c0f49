import type { CellValueProps } from "./cell-value-props";

export function EmailCell({ value }: CellValueProps) {
  if (value === null || value === undefined || value === "") return null;
  return <span className="truncate text-slate-800">{String(value)}</span>;
}
