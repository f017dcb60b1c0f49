import { z } from "zod";
import { refusingProtoKey } from "../api/records";
import { readOwn } from "../json";
import { httpSpecSchema, placeholdersOf } from "./adapters/http-spec";
import { ADAPTER_IDS, adapterInfo, canFill } from "./catalog";
import { FIELD_NAMES, type FieldName, INPUT_NAMES } from "./types";

// A column's enrichment recipe: an ordered provider waterfall, which column feeds which
// provider input, the field the column takes from the providers' answers, and the stop rule
// (the first result with confidence ≥ minConfidence wins). Stored on the column; a column
// without one is enriched by the demo provider. Pure: the grid's recipe editor shares it.

export const DEFAULT_MIN_CONFIDENCE = 0.7;
export const MAX_WATERFALL = 6;

const columnKeyRef = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "must be a column key");

export const recipeSchema = z
  .strictObject({
    providers: z
      .array(z.enum(ADAPTER_IDS as [string, ...string[]]))
      .min(1, "give at least one provider")
      .max(MAX_WATERFALL)
      .describe('The waterfall, in order, e.g. ["hunter.email-finder", "pdl.person", "llm"]'),
    field: z
      .enum(FIELD_NAMES)
      .optional()
      .describe("The providers' output the column takes; defaults from the column's key (email, title, …)"),
    inputs: refusingProtoKey(
      z.partialRecord(z.enum(INPUT_NAMES), columnKeyRef),
      `unknown input: use one of ${INPUT_NAMES.join(", ")}`,
    )
      .default({})
      .describe("Provider input ← column key, e.g. { domain: company_domain, fullName: name }"),
    stopWhen: z
      .strictObject({ minConfidence: z.number().min(0).max(1).default(DEFAULT_MIN_CONFIDENCE) })
      .default({ minConfidence: DEFAULT_MIN_CONFIDENCE })
      .describe("The first result with at least this confidence wins; later providers are not called"),
    http: httpSpecSchema.optional().describe('The request of the "http" provider'),
  })
  .superRefine((recipe, ctx) => {
    const seen = new Set<string>();
    recipe.providers.forEach((id, i) => {
      if (seen.has(id)) ctx.addIssue({ code: "custom", path: ["providers", i], message: `${id} is listed twice` });
      seen.add(id);
      if (id === "llm" && i !== recipe.providers.length - 1) {
        ctx.addIssue({ code: "custom", path: ["providers", i], message: "the LLM fallback must come last" });
      }
    });
    const hasHttp = recipe.providers.includes("http");
    if (hasHttp && !recipe.http)
      ctx.addIssue({ code: "custom", path: ["http"], message: 'give the "http" provider its request' });
    if (!hasHttp && recipe.http)
      ctx.addIssue({ code: "custom", path: ["http"], message: 'only for the "http" provider' });
  });
export type RecipeInput = z.input<typeof recipeSchema>;
type ParsedRecipe = z.output<typeof recipeSchema>;

/** A recipe as stored: its field resolved. */
export type Recipe = ParsedRecipe & { field: FieldName };

const FIELD_HINTS: [RegExp, FieldName][] = [
  [/email/, "email"],
  [/linkedin/, "linkedin_url"],
  [/twitter/, "twitter_url"],
  [/phone|mobile/, "phone"],
  [/seniority/, "seniority"],
  [/title|position|role/, "title"],
  [/domain|website/, "company_domain"],
  [/company|organi[sz]ation|employer/, "company"],
  [/location|city|country/, "location"],
  [/industry/, "industry"],
  [/name/, "full_name"],
];

/** The field a column of this key probably wants. */
export function fieldForColumnKey(key: string): FieldName | undefined {
  return FIELD_HINTS.find(([pattern]) => pattern.test(key))?.[1];
}

export type RecipeIssue = { path: string; message: string };

/**
 * Checks a parsed recipe against the column and its table: the field is known and every
 * provider can fill it, mapped inputs name existing columns (not the column itself), every
 * provider has some complete input set mapped, and HTTP placeholders name columns.
 */
export function checkRecipe(
  recipe: ParsedRecipe,
  { columnKey, tableKeys }: { columnKey: string; tableKeys: string[] },
): { recipe?: Recipe; issues: RecipeIssue[] } {
  const issues: RecipeIssue[] = [];
  const field = recipe.field ?? fieldForColumnKey(columnKey);
  if (!field) {
    issues.push({ path: "field", message: `say which field the column takes (${FIELD_NAMES.join(", ")})` });
    return { issues };
  }
  const keys = new Set(tableKeys);
  for (const [input, key] of Object.entries(recipe.inputs)) {
    if (!key) continue;
    if (!keys.has(key)) issues.push({ path: `inputs.${input}`, message: `no column has the key "${key}"` });
    else if (key === columnKey) issues.push({ path: `inputs.${input}`, message: "a column cannot feed itself" });
  }
  recipe.providers.forEach((id, i) => {
    const info = adapterInfo(id);
    if (!info) return;
    if (!canFill(info, field)) {
      issues.push({ path: `providers.${i}`, message: `${info.name} cannot fill ${field}` });
    }
    if (info.requires.length > 0 && !info.requires.some((set) => set.every((input) => readOwn(recipe.inputs, input)))) {
      const options = info.requires.map((set) => set.join(" + ")).join(", or ");
      issues.push({ path: `providers.${i}`, message: `${info.name} needs inputs mapped: ${options}` });
    }
  });
  if (recipe.http) {
    for (const key of placeholdersOf(recipe.http)) {
      if (!keys.has(key)) issues.push({ path: "http", message: `{{${key}}} is not a column key of this table` });
      else if (key === columnKey) issues.push({ path: "http", message: "a column cannot feed itself" });
    }
  }
  return issues.length > 0 ? { issues } : { recipe: { ...recipe, field }, issues };
}

/** The stored recipe of a column, or undefined when it has none (or it no longer parses). */
export function readRecipe(raw: unknown): Recipe | undefined {
  if (raw === null || raw === undefined) return undefined;
  const parsed = recipeSchema.safeParse(raw);
  if (!parsed.success || !parsed.data.field) return undefined;
  return parsed.data as Recipe;
}

/** The column keys a stored recipe reads: its mapped inputs and its HTTP template's placeholders. */
export function keysReadBy(raw: unknown): Set<string> {
  const recipe = readRecipe(raw);
  const keys = new Set<string>();
  if (!recipe) return keys;
  for (const key of Object.values(recipe.inputs)) if (key) keys.add(key);
  if (recipe.http) for (const key of placeholdersOf(recipe.http)) keys.add(key);
  return keys;
}
