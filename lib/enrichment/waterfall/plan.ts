import "server-only";
import { readOwn } from "../../json";
import type { AdapterRequest } from "../../providers/adapter";
import type { HttpSpec } from "../../providers/adapters/http-spec";
import { placeholdersOf } from "../../providers/adapters/http-spec";
import { adapterInfo } from "../../providers/catalog";
import type { Recipe } from "../../providers/recipe";
import type { FieldName, InputName } from "../../providers/types";

// The plan of one cell's waterfall, made when its task is claimed: the inputs read from the
// row, and for each provider whether it can run. A provider none of whose input sets is
// complete is passed over ("missing input: company_domain"); so is the LLM fallback when no
// other provider of the waterfall can run; a cell none of whose providers can run ends
// skipped without any call. The plan is small JSON: it is the output of the
// cell's first durable step, and every later step of the cell works from it.

export type PlannedProvider = { id: string; missing?: string[] };

export type WaterfallPlan = {
  taskId: string;
  jobId: string;
  tableId: string;
  rowId: string;
  workspaceId: string;
  field: FieldName;
  minConfidence: number;
  providers: PlannedProvider[];
  /** The mapped inputs that are not empty. */
  inputs: Partial<Record<InputName, string>>;
  /** The HTTP provider's placeholder values, by column key. */
  row: Record<string, string>;
  /**
   * The row's values the providers are asked about, as they were when the cell was claimed, by
   * column key (null: empty): the record of its result checks the row still holds them.
   * Absent from plans made before it existed (a run resumed across an upgrade).
   */
  reads?: Record<string, unknown>;
  http?: HttpSpec;
};

/** A cell none of whose providers can run is skipped: `passedOver` says what each one lacked. */
export type PlanOutcome =
  | { plan: WaterfallPlan }
  | { skipped: string; passedOver: Record<string, string>; minConfidence: number };

/** Why a provider is passed over: the inputs it needs that the row lacks. */
export const missingInput = (missing: string[] = []) => `missing input: ${[...missing].sort().join(", ")}`;

const isEmpty = (value: unknown) => value === undefined || value === null || String(value).trim() === "";

function textOf(value: unknown): string {
  return typeof value === "string" ? value.trim() : String(value);
}

/**
 * The columns a provider lacks: empty for one that can run (one of its input sets is mapped and
 * filled), else the empty columns of its closest mapped set.
 */
function missingFor(id: string, recipe: Recipe, rowData: Record<string, unknown>): string[] {
  const mapped = (input: string) => readOwn(recipe.inputs, input) as string | undefined;
  const sets: string[][] =
    id === "http" && recipe.http
      ? [placeholdersOf(recipe.http)]
      : (adapterInfo(id)?.requires ?? [])
          .filter((set) => set.every((input) => mapped(input)))
          .map((set) => set.map((input) => mapped(input) as string));
  if (id !== "http" && sets.length === 0 && (adapterInfo(id)?.requires.length ?? 0) > 0) return ["(inputs not mapped)"];
  let best: string[] | undefined;
  for (const set of sets) {
    const missing = set.filter((key) => isEmpty(readOwn(rowData, key)));
    if (missing.length === 0) return [];
    if (!best || missing.length < best.length) best = missing;
  }
  return best ?? [];
}

export function planWaterfall({
  task,
  recipe,
  workspaceId,
}: {
  task: { taskId: string; jobId: string; tableId: string; rowId: string; rowData: Record<string, unknown> };
  recipe: Recipe;
  workspaceId: string;
}): PlanOutcome {
  const providers: PlannedProvider[] = recipe.providers.map((id) => {
    const missing = missingFor(id, recipe, task.rowData);
    return missing.length > 0 ? { id, missing } : { id };
  });
  // The LLM fallback only ever knows what the row and the other providers give it: when none of
  // those providers can run, it has nothing to work from either.
  const others = providers.filter((p) => p.id !== "llm");
  const llm = providers.find((p) => p.id === "llm");
  if (llm && others.length > 0 && others.every((p) => p.missing)) llm.missing = others[0]?.missing;
  if (providers.every((p) => p.missing)) {
    const keys = [...new Set(providers.flatMap((p) => p.missing ?? []))];
    return {
      skipped: missingInput(keys),
      passedOver: Object.fromEntries(providers.map((p) => [p.id, missingInput(p.missing)])),
      minConfidence: recipe.stopWhen.minConfidence,
    };
  }
  const inputs: Partial<Record<InputName, string>> = {};
  for (const [input, key] of Object.entries(recipe.inputs)) {
    const value = key ? readOwn(task.rowData, key) : undefined;
    if (!isEmpty(value)) inputs[input as InputName] = textOf(value);
  }
  const row: Record<string, string> = {};
  for (const key of recipe.http ? placeholdersOf(recipe.http) : []) {
    const value = readOwn(task.rowData, key);
    row[key] = isEmpty(value) ? "" : textOf(value);
  }
  const reads: Record<string, unknown> = Object.create(null);
  for (const key of [...Object.values(recipe.inputs), ...Object.keys(row)]) {
    if (key) reads[key] = readOwn(task.rowData, key) ?? null;
  }
  return {
    plan: {
      taskId: task.taskId,
      jobId: task.jobId,
      tableId: task.tableId,
      rowId: task.rowId,
      workspaceId,
      field: recipe.field,
      minConfidence: recipe.stopWhen.minConfidence,
      providers,
      inputs,
      row,
      reads,
      ...(recipe.http ? { http: recipe.http } : {}),
    },
  };
}

/** What the cell asks each of its providers. */
export function requestOf(plan: WaterfallPlan): AdapterRequest {
  return { field: plan.field, inputs: plan.inputs, row: plan.row, ...(plan.http ? { http: plan.http } : {}) };
}
