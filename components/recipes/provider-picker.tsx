import type { ProvidersDto } from "@/lib/client/fetchers";
import { fillsField, moveProvider, toggleProvider } from "@/lib/client/recipe-draft";
import type { FieldName } from "@/lib/providers/types";

type Provider = ProvidersDto["data"][number];

function status(p: Provider): { text: string; tone: string } {
  if (p.alert)
    return { text: p.alert.kind === "out_of_credits" ? "out of credits" : "key refused", tone: "text-red-700" };
  if (p.demo) return { text: "demo replica", tone: "text-amber-700" };
  // The HTTP provider sends the secrets its request's headers name ({{secret:…}}), if any.
  if (p.vendor === "http") return { text: "its headers' secrets", tone: "text-slate-500" };
  if (p.keySource === "not-needed") return { text: "no key needed", tone: "text-slate-500" };
  if (p.configured)
    return { text: p.keySource === "workspace" ? `key …${p.last4 ?? ""}` : "configured", tone: "text-emerald-700" };
  return { text: "no key", tone: "text-red-700" };
}

/** The waterfall: every provider with a checkbox, the chosen ones in order with ↑/↓. */
export function ProviderPicker({
  providers,
  chosen,
  field,
  onChange,
}: {
  providers: Provider[];
  chosen: string[];
  field: FieldName | "";
  onChange: (next: string[]) => void;
}) {
  const ordered = [
    ...chosen.flatMap((id) => providers.filter((p) => p.id === id)),
    ...providers.filter((p) => !chosen.includes(p.id)),
  ];
  return (
    <ol aria-label="Providers, in waterfall order" className="space-y-1">
      {ordered.map((p) => {
        const index = chosen.indexOf(p.id);
        const on = index >= 0;
        const s = status(p);
        const usable = fillsField(p, field);
        return (
          <li
            key={p.id}
            data-provider={p.id}
            className="flex items-center gap-2 rounded-md border border-slate-200 bg-white px-2 py-1.5 text-xs"
          >
            <input
              type="checkbox"
              checked={on}
              disabled={!usable && !on}
              onChange={() => onChange(toggleProvider(chosen, p.id))}
              aria-label={`Use ${p.name}`}
            />
            <span className="w-4 text-right tabular-nums text-slate-400">{on ? index + 1 : ""}</span>
            <span
              className={`min-w-0 flex-1 truncate ${on ? "text-slate-900" : "text-slate-500"}`}
              title={p.description}
            >
              {p.name}
              {p.aiSynthesised ? (
                <span className="ml-1 rounded bg-violet-600 px-1 text-[10px] text-white">AI</span>
              ) : null}
              {!usable ? <span className="ml-1 text-slate-400">(cannot fill {field})</span> : null}
            </span>
            <span className={`shrink-0 ${s.tone}`} title={p.alert?.message ?? p.price.billing}>
              {s.text}
            </span>
            <span className="flex shrink-0 gap-0.5">
              <button
                type="button"
                disabled={!on || index === 0}
                onClick={() => onChange(moveProvider(chosen, p.id, -1))}
                aria-label={`Move ${p.name} up`}
                className="rounded px-1 text-slate-500 hover:bg-slate-100 disabled:opacity-30"
              >
                ↑
              </button>
              <button
                type="button"
                disabled={!on || index === chosen.length - 1}
                onClick={() => onChange(moveProvider(chosen, p.id, 1))}
                aria-label={`Move ${p.name} down`}
                className="rounded px-1 text-slate-500 hover:bg-slate-100 disabled:opacity-30"
              >
                ↓
              </button>
            </span>
          </li>
        );
      })}
    </ol>
  );
}
