import type { CellValueProps } from "./cell-value-props";

export function UrlCell({ value }: CellValueProps) {
  if (value === null || value === undefined || value === "") return null;
  // Shown without the scheme: the host is what a person scans for.
  const text = String(value).replace(/^https?:\/\//, "");
  return <span className="truncate text-sky-700">{text}</span>;
}
