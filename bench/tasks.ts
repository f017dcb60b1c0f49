import { getDb } from "../lib/db";

/** A job's task ids in ordinal order (row by row, column by column), as the engine benches drive them. */
export async function taskIdsOf(jobId: string): Promise<string[]> {
  const tasks = await getDb().cellEnrichmentTask.findMany({
    where: { jobId },
    orderBy: { ordinal: "asc" },
    select: { id: true },
  });
  return tasks.map((t) => t.id);
}
