import { adapterInfo } from "@/lib/providers/catalog";

// How the grid marks where a cell's value came from: a short label per provider, and whether
// the value was synthesised by a model (shown differently everywhere it appears).

const LABELS: Record<string, string> = {
  demo: "demo",
  "hunter.email-finder": "Hunter",
  "pdl.person": "PDL",
  "apollo.people-match": "Apollo",
  http: "API",
  llm: "AI",
};

export type SourceMark = { label: string; name: string; ai: boolean };

export function sourceMarkOf(provider: string | undefined | null): SourceMark | null {
  if (!provider) return null;
  const info = adapterInfo(provider);
  return {
    label: Object.hasOwn(LABELS, provider) ? (LABELS[provider] as string) : provider,
    name: info?.name ?? (provider === "demo" ? "Demo provider" : provider),
    ai: info?.aiSynthesised ?? false,
  };
}
