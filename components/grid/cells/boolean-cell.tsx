import type { CellValueProps } from "./cell-value-props";

const TRUE = new Set(["true", "yes", "1", "y"]);

export function BooleanCell({ value }: CellValueProps) {
  if (value === null || value === undefined || value === "") return null;
  const on = typeof value === "boolean" ? value : TRUE.has(String(value).toLowerCase());
  return (
    <span className={`mx-auto text-xs font-medium ${on ? "text-emerald-700" : "text-slate-400"}`}>
      {on ? "✓ Yes" : "✗ No"}
    </span>
  );
}
