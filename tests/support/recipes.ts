import { createEnrichmentJob } from "@/lib/enrichment/create-job";
import type { RecipeInput } from "@/lib/providers/recipe";
import { createRows } from "@/lib/rows/rows";
import type { RowData } from "@/lib/rows/serialize";
import { createTable } from "@/lib/tables/tables";
import { api } from "./api";
import { testAccount } from "./auth";
import { taskIdsOf } from "./fixtures";

// A leads table whose columns carry recipes: people (name, company_domain) and enriched
// columns set through the public API (PATCH …/columns/:id with a recipe).

export const EMAIL_RECIPE: RecipeInput = {
  providers: ["hunter.email-finder", "pdl.person", "apollo.people-match"],
  inputs: { fullName: "name", domain: "company_domain" },
};

export async function makeLeads(
  people: RowData[],
  recipes: Record<string, RecipeInput | null> = { email: EMAIL_RECIPE },
) {
  const keys = ["name", "company_domain", ...Object.keys(recipes)];
  const table = await createTable({
    workspaceId: (await testAccount()).workspaceId,
    input: {
      name: "Leads",
      description: null,
      columns: keys.map((key) => ({ key, label: key, dataType: "text" as const })),
    },
  });
  const columns = Object.fromEntries((table.columns ?? []).map((c) => [c.key, c.id])) as Record<string, string>;
  for (const [key, recipe] of Object.entries(recipes)) {
    if (!recipe) continue;
    const res = await api.patch(`/api/tables/${table.id}/columns/${columns[key]}`, { recipe });
    if (res.status !== 200) throw new Error(`recipe for ${key}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const rows = await createRows({ tableId: table.id, input: { rows: people.map((data) => ({ data })) } });
  return { tableId: table.id, columns, rowIds: rows.map((r) => r.id) };
}

/** A job over the given columns (all rows); its task ids in ordinal order. */
export async function jobOver(tableId: string, columnIds: string[], rowIds: string[] | "all" = "all") {
  const job = await createEnrichmentJob({ tableId, source: { mode: "grid", columnIds, rowIds } });
  return { jobId: job.jobId, taskIds: await taskIdsOf(job.jobId) };
}
