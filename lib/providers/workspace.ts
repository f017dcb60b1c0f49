import "server-only";
import { getDb } from "../db";

// Which workspace a job's provider calls act for: the workspace of the job's table, whose
// stored credentials, alerts and blocks they use. Requests take theirs from route()'s access.

/** The workspace of each of `tableIds` (one query, however many cells a step starts). */
export async function workspacesOfTables(tableIds: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(tableIds)];
  if (unique.length === 0) return new Map();
  const tables = await getDb().table.findMany({
    where: { id: { in: unique } },
    select: { id: true, workspaceId: true },
  });
  return new Map(tables.map((t) => [t.id, t.workspaceId]));
}
