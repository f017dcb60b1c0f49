import type { ColumnDto } from "@/lib/client/fetchers";
import { INPUT_LABELS, type InputName } from "@/lib/providers/types";

/** Which column feeds each provider input (none = the input is not used). */
export function InputMapping({
  inputs,
  mapping,
  columns,
  onChange,
}: {
  inputs: InputName[];
  mapping: Partial<Record<InputName, string>>;
  columns: ColumnDto[];
  onChange: (input: InputName, columnKey: string) => void;
}) {
  if (inputs.length === 0) return <p className="text-xs text-slate-500">These providers read no mapped inputs.</p>;
  return (
    <div className="grid grid-cols-[8rem_1fr] items-center gap-x-2 gap-y-1.5 text-xs">
      {inputs.map((input) => (
        <label key={input} className="contents">
          <span className="text-slate-600">{INPUT_LABELS[input]}</span>
          <select
            value={mapping[input] ?? ""}
            onChange={(e) => onChange(input, e.target.value)}
            aria-label={`Column for ${INPUT_LABELS[input]}`}
            className="rounded-md border border-slate-300 px-1.5 py-1 outline-none focus:border-blue-500"
          >
            <option value="">—</option>
            {columns.map((c) => (
              <option key={c.id} value={c.key}>
                {c.label} ({c.key})
              </option>
            ))}
          </select>
        </label>
      ))}
    </div>
  );
}
