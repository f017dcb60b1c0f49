"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { type ColumnDto, fetchers } from "@/lib/client/fetchers";
import { describeError } from "@/lib/client/http";
import { queryKeys } from "@/lib/client/query-keys";
import { draftOf, inputsUsed, type RecipeDraft, recipeOf, withField } from "@/lib/client/recipe-draft";
import { FIELD_NAMES, type FieldName } from "@/lib/providers/types";
import { useToast } from "../ui/toast-provider";
import { HttpRequestFields } from "./http-request-fields";
import { InputMapping } from "./input-mapping";
import { ProviderPicker } from "./provider-picker";
import { TryResults } from "./try-results";

const TRIAL_ROWS = 5;

/**
 * Column setup: the provider waterfall (choose and order), the input mapping, the stop
 * threshold, and "Try on 5 rows" before running the whole column. Saving PATCHes the recipe.
 */
export function RecipeEditor({
  tableId,
  column,
  columns,
  onClose,
  onRunColumn,
  onInspect,
}: {
  tableId: string;
  column: ColumnDto;
  columns: ColumnDto[];
  onClose: () => void;
  onRunColumn: () => void;
  onInspect: (rowId: string) => void;
}) {
  const client = useQueryClient();
  const toast = useToast();
  const providers = useQuery({
    queryKey: queryKeys.providers(),
    queryFn: ({ signal }) => fetchers.listProviders(signal),
    meta: { errorTitle: "Could not load the providers" },
  });
  const [draft, setDraft] = useState<RecipeDraft>(() =>
    draftOf(
      column.recipe,
      column,
      columns.map((c) => c.key),
    ),
  );
  const [trialJob, setTrialJob] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const set = (patch: Partial<RecipeDraft>) => setDraft((d) => ({ ...d, ...patch }));

  const save = async (recipe: ReturnType<typeof recipeOf> | null) => {
    setProblem(null);
    try {
      await fetchers.updateColumn(tableId, column.id, { recipe });
    } catch (error) {
      setProblem(describeError(error));
      throw error;
    }
    await client.invalidateQueries({ queryKey: queryKeys.tableMeta(tableId) });
  };
  const saveMutation = useMutation({
    meta: { errorTitle: "Could not save the enrichment" },
    mutationFn: (recipe: ReturnType<typeof recipeOf> | null) => save(recipe),
    onSuccess: (_r, recipe) =>
      toast.show({ kind: "success", title: recipe ? "Enrichment saved" : "Recipe removed: demo provider" }),
  });
  const trial = useMutation({
    meta: { errorTitle: "Could not try the enrichment" },
    mutationFn: async () => {
      await save(recipeOf(draft));
      const rows = await fetchers.getRows(tableId, { offset: 0, limit: TRIAL_ROWS });
      // The status cursor must predate the job, or its first changes could be missed.
      await client.ensureQueryData({ queryKey: queryKeys.cellStatus(tableId) });
      return fetchers.enrich(tableId, { cellIds: rows.data.map((r) => ({ rowId: r.id, columnId: column.id })) });
    },
    onSuccess: async (job) => {
      setTrialJob(job.jobId);
      await client.invalidateQueries({ queryKey: queryKeys.jobs(tableId) });
    },
  });
  const run = useMutation({
    meta: { errorTitle: "Could not run the column" },
    mutationFn: () => save(recipeOf(draft)),
    onSuccess: onRunColumn,
  });

  const busy = saveMutation.isPending || trial.isPending || run.isPending;
  const list = providers.data?.data ?? [];
  return (
    <aside
      aria-label={`Enrichment setup: ${column.label}`}
      className="flex w-[28rem] shrink-0 flex-col border-l border-slate-200 bg-slate-50"
    >
      <header className="flex items-center justify-between border-b border-slate-200 bg-white px-4 py-2.5">
        <h2 className="text-sm font-semibold">Enrichment setup · {column.label}</h2>
        <button
          type="button"
          onClick={onClose}
          aria-label="Close enrichment setup"
          className="rounded px-1.5 text-lg leading-none text-slate-400 hover:bg-slate-100 hover:text-slate-700"
        >
          ×
        </button>
      </header>
      <div className="min-h-0 flex-1 space-y-4 overflow-y-auto p-3 text-sm">
        <label className="flex items-center gap-2 text-xs">
          <span
            className="w-32 text-slate-600"
            title="What kind of value the column holds: which providers can find it, and the shape an answer must have to be kept"
          >
            Fills the field
          </span>
          <select
            value={draft.field}
            onChange={(e) => setDraft((d) => withField(d, e.target.value as FieldName, column.recipe !== null))}
            aria-label="Field"
            className="flex-1 rounded-md border border-slate-300 px-1.5 py-1"
          >
            <option value="">— choose —</option>
            {FIELD_NAMES.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </label>
        <section className="space-y-1.5">
          <h3 className="text-xs font-semibold text-slate-700">Providers (first value at the threshold wins)</h3>
          {list.length === 0 ? <div className="h-20 animate-pulse rounded bg-slate-200/70" aria-hidden="true" /> : null}
          <ProviderPicker
            providers={list}
            chosen={draft.providers}
            field={draft.field}
            onChange={(providers) => set({ providers })}
          />
        </section>
        {draft.providers.includes("http") ? (
          <HttpRequestFields http={draft.http} onChange={(http) => set({ http })} />
        ) : null}
        <section className="space-y-1.5">
          <h3 className="text-xs font-semibold text-slate-700">Inputs</h3>
          <InputMapping
            inputs={inputsUsed(draft.providers)}
            mapping={draft.inputs}
            columns={columns.filter((c) => c.id !== column.id)}
            onChange={(input, key) => set({ inputs: { ...draft.inputs, [input]: key } })}
          />
        </section>
        <label className="flex items-center gap-2 text-xs">
          <span className="w-32 text-slate-600">Stop at confidence</span>
          <input
            type="number"
            min={0}
            max={1}
            step={0.05}
            value={draft.minConfidence}
            onChange={(e) => set({ minConfidence: Number(e.target.value) })}
            aria-label="Threshold"
            className="w-20 rounded-md border border-slate-300 px-1.5 py-1 tabular-nums"
          />
        </label>
        {problem ? (
          <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-2 text-xs text-red-800">
            {problem}
          </p>
        ) : null}
        <div className="flex flex-wrap gap-2">
          <button
            type="button"
            disabled={busy}
            onClick={() => saveMutation.mutate(recipeOf(draft))}
            className="rounded-md bg-slate-900 px-3 py-1 text-xs font-medium text-white hover:bg-slate-700 disabled:opacity-50"
          >
            Save
          </button>
          <button
            type="button"
            disabled={busy}
            onClick={() => trial.mutate()}
            className="rounded-md border border-slate-300 bg-white px-3 py-1 text-xs font-medium hover:bg-slate-100 disabled:opacity-50"
          >
            Try on {TRIAL_ROWS} rows
          </button>
          <button
            type="button"
            disabled={busy}
            onClick={() => run.mutate()}
            className="rounded-md border border-slate-300 bg-white px-3 py-1 text-xs font-medium hover:bg-slate-100 disabled:opacity-50"
          >
            Run whole column
          </button>
          {column.recipe ? (
            <button
              type="button"
              disabled={busy}
              onClick={() => saveMutation.mutate(null)}
              className="ml-auto rounded-md px-2 py-1 text-xs text-red-700 hover:bg-red-50 disabled:opacity-50"
            >
              Remove recipe
            </button>
          ) : null}
        </div>
        {trialJob ? (
          <section className="space-y-1.5">
            <h3 className="text-xs font-semibold text-slate-700">Trial on the first {TRIAL_ROWS} rows</h3>
            <TryResults tableId={tableId} jobId={trialJob} onInspect={onInspect} />
          </section>
        ) : null}
      </div>
    </aside>
  );
}
