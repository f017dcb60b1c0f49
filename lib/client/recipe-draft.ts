import { type AdapterInfo, adapterInfo, canFill } from "@/lib/providers/catalog";
import { DEFAULT_MIN_CONFIDENCE, fieldForColumnKey, type Recipe, type RecipeInput } from "@/lib/providers/recipe";
import { type FieldName, INPUT_NAMES, type InputName } from "@/lib/providers/types";

// The recipe editor's state and its rules, kept out of React so they can be tested: which
// providers are in the waterfall and in what order, which column feeds each input, the
// threshold, and the HTTP request. A draft becomes the body of PATCH …/columns/:id.

export type HttpDraft = {
  method: "GET" | "POST";
  url: string;
  /** One `Name: value` per line. */
  headers: string;
  body: string;
  valuePath: string;
  confidencePath: string;
};

export type RecipeDraft = {
  providers: string[];
  field: FieldName | "";
  inputs: Partial<Record<InputName, string>>;
  minConfidence: number;
  http: HttpDraft;
};

const EMPTY_HTTP: HttpDraft = { method: "GET", url: "", headers: "", body: "", valuePath: "", confidencePath: "" };

/** Input columns guessed from their keys, for a first draft. */
const INPUT_HINTS: [InputName, RegExp][] = [
  ["fullName", /^(full_?)?name$/],
  ["firstName", /^first_?name$/],
  ["lastName", /^last_?name$/],
  ["domain", /domain|website/],
  ["company", /^company(_name)?$|organi[sz]ation/],
  ["email", /email/],
  ["linkedinUrl", /linkedin/],
];

export function draftOf(recipe: Recipe | null, column: { key: string }, columnKeys: string[]): RecipeDraft {
  if (recipe) {
    return {
      providers: [...recipe.providers],
      field: recipe.field,
      inputs: { ...recipe.inputs },
      minConfidence: recipe.stopWhen.minConfidence,
      http: recipe.http
        ? {
            method: recipe.http.method,
            url: recipe.http.url,
            headers: Object.entries(recipe.http.headers)
              .map(([name, value]) => `${name}: ${value}`)
              .join("\n"),
            body: recipe.http.body ?? "",
            valuePath: recipe.http.valuePath,
            confidencePath: recipe.http.confidencePath ?? "",
          }
        : EMPTY_HTTP,
    };
  }
  const inputs: Partial<Record<InputName, string>> = {};
  for (const [input, pattern] of INPUT_HINTS) {
    const key = columnKeys.find((k) => k !== column.key && pattern.test(k));
    if (key && !Object.values(inputs).includes(key)) inputs[input] = key;
  }
  return {
    providers: fitFor(DEFAULT_WATERFALL, fieldForColumnKey(column.key) ?? ""),
    field: fieldForColumnKey(column.key) ?? "",
    inputs,
    minConfidence: DEFAULT_MIN_CONFIDENCE,
    http: EMPTY_HTTP,
  };
}

/** A new recipe's waterfall, before the field is known: each provider that can fill it stays. */
const DEFAULT_WATERFALL = ["hunter.email-finder", "pdl.person", "apollo.people-match", "llm"];

/** The providers of a waterfall that can fill `field` (all of them while no field is chosen). */
export function fitFor(providers: string[], field: FieldName | ""): string[] {
  if (field === "") return [...providers];
  return providers.filter((id) => {
    const info = adapterInfo(id);
    return info !== undefined && canFill(info, field);
  });
}

/**
 * Another field: the waterfall keeps the providers that can fill it (saving one that cannot
 * is refused); a new recipe's, never saved, starts again from the default waterfall's.
 */
export function withField(draft: RecipeDraft, field: FieldName | "", saved: boolean): RecipeDraft {
  const providers = saved ? fitFor(draft.providers, field) : fitFor(DEFAULT_WATERFALL, field);
  return { ...draft, field, providers: field === "" && !saved ? draft.providers : providers };
}

/** Inputs the chosen providers read, in a stable order. */
export function inputsUsed(providers: string[]): InputName[] {
  const used = new Set<InputName>();
  for (const id of providers) for (const input of adapterInfo(id)?.inputs ?? []) used.add(input);
  return INPUT_NAMES.filter((input) => used.has(input));
}

/** Adds or removes a provider; the LLM stays last. */
export function toggleProvider(providers: string[], id: string): string[] {
  if (providers.includes(id)) return providers.filter((p) => p !== id);
  const without = providers.filter((p) => p !== "llm");
  return id === "llm" ? [...providers, "llm"] : [...without, id, ...(providers.includes("llm") ? ["llm"] : [])];
}

/** Moves a provider one place up (-1) or down (+1); nothing moves past the LLM. */
export function moveProvider(providers: string[], id: string, by: -1 | 1): string[] {
  const from = providers.indexOf(id);
  const to = from + by;
  if (from < 0 || to < 0 || to >= providers.length || id === "llm" || providers[to] === "llm") return providers;
  const next = providers.slice();
  [next[from], next[to]] = [next[to] as string, id];
  return next;
}

function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const at = line.indexOf(":");
    if (at <= 0) continue;
    headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return headers;
}

/** The recipe a draft stands for (the API validates it against the table). */
export function recipeOf(draft: RecipeDraft): RecipeInput {
  const used = new Set(inputsUsed(draft.providers));
  const inputs = Object.fromEntries(
    Object.entries(draft.inputs).filter(([input, key]) => key && used.has(input as InputName)),
  ) as RecipeInput["inputs"];
  const http = draft.providers.includes("http")
    ? {
        method: draft.http.method,
        url: draft.http.url.trim(),
        headers: parseHeaders(draft.http.headers),
        ...(draft.http.method === "POST" && draft.http.body.trim() ? { body: draft.http.body } : {}),
        valuePath: draft.http.valuePath.trim(),
        ...(draft.http.confidencePath.trim() ? { confidencePath: draft.http.confidencePath.trim() } : {}),
      }
    : undefined;
  return {
    providers: draft.providers,
    ...(draft.field ? { field: draft.field } : {}),
    inputs,
    stopWhen: { minConfidence: draft.minConfidence },
    ...(http ? { http } : {}),
  };
}

/** Whether a provider can fill the draft's field ("any" providers always can). */
export function fillsField(info: AdapterInfo, field: FieldName | ""): boolean {
  return !field || info.fields === "any" || info.fields.includes(field);
}
