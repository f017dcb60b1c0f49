import { parseBoolean } from "@/lib/views/values";
import type { CellValueProps } from "./cell-value-props";
import { UnreadableValue } from "./unreadable-value";

/**
 * A boolean column's value: ✓ Yes / ✗ No for what its filters read as true or false (a JSON
 * boolean, or the words in any case: lib/views/values.ts). Other text ("yes", 1) is shown as
 * it is, marked, since "is true" and "is false" match neither.
 */
export function BooleanCell({ value }: CellValueProps) {
  if (value === null || value === undefined || value === "") return null;
  const on = parseBoolean(value);
  if (on === null) {
    const why = 'Not true or false: "is true" and "is false" match neither';
    return <UnreadableValue value={value} type="boolean" why={why} className="mx-auto text-xs" />;
  }
  return (
    <span className={`mx-auto text-xs font-medium ${on ? "text-emerald-700" : "text-slate-400"}`}>
      {on ? "✓ Yes" : "✗ No"}
    </span>
  );
}
