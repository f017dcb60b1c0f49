import { z } from "zod";
import type { AdapterRequest } from "../adapter";

// What the LLM fallback is asked and how its answer is checked. The context is one JSON object:
// the field wanted, the row's mapped inputs, and the other providers' answers keyed by provider.
// `paths` lists every fact of that object as a dotted path (`sources.pdl_person.work_email`), the
// only things an answer may cite.

/** Structured Outputs schema (strict: every property required, nullable instead of optional). */
export const llmAnswerSchema = z.object({
  value: z.string().nullable().describe("The value of the field, or null if the context does not give it"),
  confidence: z.enum(["high", "medium", "low"]),
  basis: z
    .array(z.string())
    .describe("Paths of the context facts the value rests on, e.g. sources.pdl_person.work_email"),
  reasoning: z.string().describe("One or two sentences on how the value follows from those facts"),
});
export type LlmAnswer = z.output<typeof llmAnswerSchema>;

const SYSTEM = [
  "You fill one cell of a spreadsheet about people and companies.",
  "Use only the JSON context in the user's message; never use outside knowledge.",
  'Set "value" to null when the context does not state or clearly imply the value.',
  'List in "basis" the paths of the facts you used, exactly as they appear in the context (for example sources.pdl_person.work_email or row.domain).',
  'Set "confidence" to high only when a fact states the value, medium when it follows from facts, low otherwise.',
].join("\n");

const MAX_CONTEXT_CHARS = 12_000;

function keyOf(provider: string) {
  return provider.replace(/[^A-Za-z0-9]+/g, "_");
}

/** Every leaf (and every object) of `value` as a dotted path with [i] for array items. */
export function pathsOf(value: unknown, prefix = "", out = new Set<string>()): Set<string> {
  if (prefix) out.add(prefix);
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) pathsOf(item, `${prefix}[${i}]`, out);
  } else if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) pathsOf(child, prefix ? `${prefix}.${key}` : key, out);
  }
  return out;
}

export function buildPrompt(request: AdapterRequest) {
  const sources: Record<string, unknown> = {};
  for (const entry of request.context ?? []) {
    const key = keyOf(entry.provider);
    if (!Object.hasOwn(sources, key)) sources[key] = entry.payload ?? { [entry.field]: entry.value };
  }
  const context = { field: request.field, row: request.inputs, sources };
  let json = JSON.stringify(context);
  if (json.length > MAX_CONTEXT_CHARS) {
    // Keep the row whole and drop the largest answers until it fits.
    const keys = Object.keys(sources).sort(
      (a, b) => JSON.stringify(sources[b]).length - JSON.stringify(sources[a]).length,
    );
    for (const key of keys) {
      if (json.length <= MAX_CONTEXT_CHARS) break;
      delete sources[key];
      json = JSON.stringify(context);
    }
  }
  const user = `Find the ${request.field.replace(/_/g, " ")} of this row.\nContext: ${json}`;
  return {
    messages: [
      { role: "system" as const, content: SYSTEM },
      { role: "user" as const, content: user },
    ],
    paths: pathsOf(context),
  };
}

/** Splits an answer's citations into those that name a fact of the context and the rest. */
export function groundBasis(basis: string[], paths: Set<string>) {
  const cited: string[] = [];
  const uncited: string[] = [];
  for (const raw of basis.slice(0, 50)) {
    const path = raw
      .trim()
      .replace(/^\$\.?/, "")
      .replace(/^context\./, "");
    (paths.has(path) ? cited : uncited).push(path.slice(0, 200));
  }
  return { cited: [...new Set(cited)], uncited: [...new Set(uncited)] };
}
