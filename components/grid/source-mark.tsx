import type { SourceMark as Mark } from "@/lib/client/source-mark";

/** Where a done cell's value came from; AI-synthesised values get a violet "AI" mark. */
export function SourceMark({ mark }: { mark: Mark }) {
  return (
    <span
      data-source-mark={mark.label}
      className={`shrink-0 rounded px-1 text-[10px] leading-4 font-medium ${mark.ai ? "bg-violet-600 text-white" : "bg-slate-200/80 text-slate-600"}`}
    >
      {mark.label}
    </span>
  );
}
