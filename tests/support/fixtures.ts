import { getDb } from "@/lib/db";
import { withCounters } from "@/lib/enrichment/serialize";
import { createRows } from "@/lib/rows/rows";
import { createTable } from "@/lib/tables/tables";

export async function makeTable({
  name = "Test table",
  keys,
  rows: rowCount,
}: {
  name?: string;
  keys: string[];
  rows: number;
}) {
  const table = await createTable({
    name,
    description: null,
    columns: keys.map((key) => ({ key, label: key.replace(/_/g, " "), dataType: "text" as const })),
  });
  const rows = await createRows({
    tableId: table.id,
    input: {
      rows: Array.from({ length: rowCount }, (_, i) => ({
        data: keys.includes("name") ? ({ name: `Person ${i + 1}` } as Record<string, string>) : {},
      })),
    },
  });
  const columns = Object.fromEntries((table.columns ?? []).map((c) => [c.key, c.id]));
  return { table, tableId: table.id, rows, rowIds: rows.map((r) => r.id), columns };
}

export async function taskIdsOf(jobId: string) {
  const tasks = await getDb().cellEnrichmentTask.findMany({
    where: { jobId },
    orderBy: { ordinal: "asc" },
    select: { id: true },
  });
  return tasks.map((t) => t.id);
}

export async function rowsOf(tableId: string) {
  return getDb().row.findMany({ where: { tableId }, orderBy: { position: "asc" } });
}

/** The job with live counts (summed from its counter shards, as the API reports them). */
export async function jobOf(jobId: string) {
  const job = await getDb().enrichmentJob.findUniqueOrThrow({ where: { id: jobId }, include: withCounters });
  const { counters, ...rest } = job;
  return {
    ...rest,
    doneTasks: counters.reduce((sum, c) => sum + c.done, 0),
    failedTasks: counters.reduce((sum, c) => sum + c.failed, 0),
  };
}

/** Runs `fn` over `items` with at most `concurrency` calls in flight. */
export async function pool<T, R>(items: T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index]);
      }
    }),
  );
  return results;
}
