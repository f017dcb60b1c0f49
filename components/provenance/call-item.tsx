import type { CellHistoryDto } from "@/lib/client/fetchers";

type Call = CellHistoryDto["history"][number]["calls"][number];

const OUTCOME_CLASS: Record<string, string> = {
  found: "bg-emerald-100 text-emerald-800",
  not_found: "bg-slate-100 text-slate-600",
  skipped: "bg-slate-100 text-slate-500",
};

function evidenceLines(call: Call): string[] {
  const evidence = (call.evidence ?? {}) as {
    sources?: { uri?: string }[];
    basis?: string[];
    uncited?: string[];
    recordId?: string;
    personId?: string;
    url?: string;
  };
  const lines: string[] = [];
  for (const source of evidence.sources ?? []) if (source.uri) lines.push(`source: ${source.uri}`);
  if (evidence.basis?.length) lines.push(`cites: ${evidence.basis.join(", ")}`);
  if (evidence.uncited?.length) lines.push(`cited but not given (ignored): ${evidence.uncited.join(", ")}`);
  if (evidence.recordId) lines.push(`record ${evidence.recordId}`);
  if (evidence.personId) lines.push(`person ${evidence.personId}`);
  if (evidence.url) lines.push(evidence.url);
  return lines.slice(0, 6);
}

/** One provider call of a run: what it answered, at what cost, and why its value won or lost. */
export function CallItem({ call }: { call: Call }) {
  const raw =
    call.rawConfidence === null || call.rawConfidence === undefined ? "" : ` (raw ${String(call.rawConfidence)})`;
  return (
    <li data-call-outcome={call.outcome} className="rounded-md border border-slate-200 bg-white p-2 text-xs">
      <div className="flex items-center gap-2">
        <span className="font-medium text-slate-800">{call.providerName}</span>
        {call.aiSynthesised ? <span className="rounded bg-violet-600 px-1 text-[10px] text-white">AI</span> : null}
        <span className={`rounded px-1 ${OUTCOME_CLASS[call.outcome] ?? "bg-red-100 text-red-800"}`}>
          {call.outcome.replace("_", " ")}
        </span>
        {call.attempt > 1 ? <span className="text-slate-400">attempt {call.attempt}</span> : null}
      </div>
      {call.value !== null && call.value !== undefined ? (
        <p className={`mt-1 break-all ${call.aiSynthesised ? "italic text-violet-900" : "text-slate-900"}`}>
          {String(call.value)}
          {call.confidence !== null ? (
            <span className="text-slate-500">
              {" "}
              · {Math.round(call.confidence * 100)}%{raw}
            </span>
          ) : null}
        </p>
      ) : null}
      <p className="mt-1 text-slate-600">{call.verdict}</p>
      <p className="mt-1 text-[11px] text-slate-400 tabular-nums">
        {call.httpStatus ? `HTTP ${call.httpStatus} · ` : ""}
        {call.latencyMs} ms ·{" "}
        <span data-testid="call-charged" title="What Glaze charged against the workspace's budgets">
          {call.cached ? "cached, not charged" : `${call.charged} ${call.charged === 1 ? "credit" : "credits"} charged`}
        </span>{" "}
        ·{" "}
        <span title="The provider's own billing units and their estimated price">
          provider: {call.credits} {call.provider === "llm" ? "token" : "unit"}
          {call.credits === 1 ? "" : "s"} (${call.cost.toFixed(4)})
        </span>{" "}
        · {new Date(call.at).toLocaleTimeString()}
      </p>
      {evidenceLines(call).map((line) => (
        <p key={line} className="truncate text-[11px] text-slate-500" title={line}>
          {line}
        </p>
      ))}
    </li>
  );
}
