// Cell engine throughput, called directly (no HTTP, no Inngest): runCellTask at 1, 8 and 32
// concurrent callers, and runCellBatch with batches of 100. Zero provider latency.
import { getDb } from "../lib/db";
import { createEnrichmentJob } from "../lib/enrichment/create-job";
import { runCellBatch } from "../lib/enrichment/run-batch";
import { runCellTask } from "../lib/enrichment/run-cell";
import { createRows } from "../lib/rows/rows";
import { createTable } from "../lib/tables/tables";
import { fmt } from "./support";
import { taskIdsOf } from "./tasks";

async function freshJob(workspaceId: string, rows: number, keys: string[]) {
  const table = await createTable({
    workspaceId,
    input: {
      name: `engine bench ${rows}x${keys.length}`,
      description: null,
      columns: keys.map((key) => ({ key, label: key, dataType: "text" as const })),
    },
  });
  for (let offset = 0; offset < rows; offset += 10_000) {
    const count = Math.min(10_000, rows - offset);
    await createRows({ tableId: table.id, input: { rows: Array.from({ length: count }, () => ({ data: {} })) } });
  }
  const job = await createEnrichmentJob({
    tableId: table.id,
    source: { mode: "grid", columnIds: (table.columns ?? []).map((c) => c.id), rowIds: "all" },
  });
  return { jobId: job.jobId, ids: await taskIdsOf(job.jobId) };
}

async function drive<T>(items: T[], concurrency: number, fn: (item: T) => Promise<unknown>) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
  return performance.now() - started;
}

export type EngineFigures = { single: Record<number, number>; batch: Record<number, number> };

export async function benchEngine(workspaceId: string, log = console.log): Promise<EngineFigures> {
  const keys = ["email", "company", "title", "location", "industry"];
  const single: Record<number, number> = {};
  // In task order, concurrent cells are mostly cells of the same rows (5 per row) and queue
  // on those rows' locks; shuffled, they spread over the table.
  const runs = [
    [1, 300, "task order"],
    [8, 1000, "task order"],
    [32, 2000, "task order"],
    [32, 2000, "shuffled"],
  ] as const;
  for (const [concurrency, rows, order] of runs) {
    const { jobId, ids } = await freshJob(workspaceId, rows, keys);
    const sequence = order === "shuffled" ? [...ids].sort(() => Math.random() - 0.5) : ids;
    const ms = await drive(sequence, concurrency, (id) => runCellTask(id, 1));
    const rate = ids.length / (ms / 1000);
    if (order === "task order") single[concurrency] = rate;
    const job = await getDb().enrichmentJob.findUniqueOrThrow({ where: { id: jobId } });
    if (job.status !== "completed" || job.doneTasks !== ids.length)
      throw new Error(`engine bench job ended ${job.status}`);
    log(
      `runCellTask   ${String(concurrency).padStart(2)} callers, ${order}: ${fmt(rate)} cells/s (${fmt(ids.length)} cells)`,
    );
  }
  const batch: Record<number, number> = {};
  for (const concurrency of [1, 4]) {
    const { ids } = await freshJob(workspaceId, 4000, keys);
    const batches: string[][] = [];
    for (let i = 0; i < ids.length; i += 100) batches.push(ids.slice(i, i + 100));
    const ms = await drive(batches, concurrency, (b) => runCellBatch(b, 1));
    batch[concurrency] = ids.length / (ms / 1000);
    log(
      `runCellBatch  ${concurrency} caller(s), batches of 100: ${fmt(batch[concurrency])} cells/s (${fmt(ids.length)} cells)`,
    );
  }
  return { single, batch };
}
