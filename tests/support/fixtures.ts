import { getDb } from "@/lib/db";
import type { Orchestrator } from "@/lib/enrichment/orchestrator";
import { readJob } from "@/lib/enrichment/store";
import { createRows } from "@/lib/rows/rows";
import { createTable } from "@/lib/tables/tables";
import { testAccount } from "./auth";

/** A table with `keys` as columns and `rows` rows, in `workspaceId` (default: the file's test account's). */
export async function makeTable({
  name = "Test table",
  keys,
  rows: rowCount,
  workspaceId,
}: {
  name?: string;
  keys: string[];
  rows: number;
  workspaceId?: string;
}) {
  const table = await createTable({
    workspaceId: workspaceId ?? (await testAccount()).workspaceId,
    input: {
      name,
      description: null,
      columns: keys.map((key) => ({ key, label: key.replace(/_/g, " "), dataType: "text" as const })),
    },
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
  const { tableId } = await getDb().enrichmentJob.findUniqueOrThrow({
    where: { id: jobId },
    select: { tableId: true },
  });
  const job = await readJob({ tableId, jobId });
  if (!job) throw new Error(`job ${jobId} not found`);
  return job;
}

/** An orchestrator that is never reachable: jobs stay pending for tests that move tasks by hand. */
export const offlineOrchestrator: Orchestrator = {
  startJob: async () => {
    throw new Error("no orchestrator in this test");
  },
  settleCancelledJob: async () => {
    throw new Error("no orchestrator in this test");
  },
};

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
