import type { UsageDto } from "@/lib/client/fetchers";
import { formatCredits } from "../jobs/format";

/** One row per group (provider, table or job): credits, calls, found. */
export function UsageTable({ usage, caption, what }: { usage: UsageDto; caption: string; what: string }) {
  return (
    <table className="w-full text-sm">
      <caption className="mb-2 text-left font-medium text-slate-900">{caption}</caption>
      <thead>
        <tr className="border-b border-slate-200 text-left text-xs text-slate-500">
          <th className="py-1 font-medium">{what}</th>
          <th className="py-1 text-right font-medium">Credits</th>
          <th className="py-1 text-right font-medium">Calls</th>
          <th className="py-1 text-right font-medium">Found</th>
        </tr>
      </thead>
      <tbody>
        {usage.data.length === 0 ? (
          <tr>
            <td colSpan={4} className="py-3 text-slate-500">
              Nothing was charged in this period.
            </td>
          </tr>
        ) : (
          usage.data.map((r) => (
            <tr key={r.key} className="border-b border-slate-100">
              <td className="py-1">{r.label ?? r.key}</td>
              <td className="py-1 text-right tabular-nums">{formatCredits(r.credits)}</td>
              <td className="py-1 text-right tabular-nums">{r.calls.toLocaleString("en-US")}</td>
              <td className="py-1 text-right tabular-nums">{r.found.toLocaleString("en-US")}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}
