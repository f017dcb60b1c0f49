import "server-only";
import { getPool } from "../db";
import { adapterInfo } from "../providers/catalog";
import { roundCredits, sqlSumCredits } from "./credits";
import type { UsageQuery } from "./schemas";

// GET /api/usage: the ledger of the caller's workspace, summed per provider, table, job or day
// (day rows are per provider too, for a chart per provider per day). Settled charges only;
// cached answers cost nothing and have no ledger row. Reads the (workspace_id, created_at)
// index range of the period.

export type UsageRow = {
  key: string;
  label: string | null;
  provider: string | null;
  day: string | null;
  credits: number;
  calls: number;
  found: number;
};

export type UsageDto = {
  from: string;
  to: string;
  groupBy: UsageQuery["groupBy"];
  total: { credits: number; calls: number; found: number };
  data: UsageRow[];
};

const DAY = 86_400_000;

/** The label of spend on a table that has since been deleted. */
export const DELETED_TABLE = "A deleted table";

export async function readUsage(workspaceId: string, query: UsageQuery, now = new Date()): Promise<UsageDto> {
  const to = query.to ?? now.toISOString().slice(0, 10);
  const from = query.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * DAY).toISOString().slice(0, 10);
  const groups: Record<UsageQuery["groupBy"], string> = {
    provider: "l.provider",
    table: "l.table_id::text",
    job: "l.job_id::text",
    day: "to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') || '|' || l.provider",
  };
  // A deleted table's spend stays in the ledger (its jobs go with it): it is labelled as such,
  // not left to show a bare id.
  const label =
    query.groupBy === "table"
      ? `COALESCE((SELECT t.name FROM tables t WHERE t.id = g.key::uuid), '${DELETED_TABLE}')`
      : query.groupBy === "job"
        ? // "Leads · Email, Company · job 0193ab12": its table, the columns it ran that still exist, its id's start.
          `COALESCE((SELECT t.name || COALESCE(' · ' || (SELECT string_agg(c.label, ', ' ORDER BY c."order") FROM columns c
                                                  WHERE c.id = ANY(j.column_ids) AND c.table_id = j.table_id), '')
                   FROM enrichment_jobs j JOIN tables t ON t.id = j.table_id WHERE j.id = g.key::uuid),
                    '${DELETED_TABLE}') || ' · job ' || left(g.key, 8)`
        : "NULL";
  const { rows } = await getPool().query<{
    key: string;
    label: string | null;
    credits: number;
    calls: number;
    found: number;
  }>(
    `SELECT g.key, ${label} AS label, g.credits, g.calls, g.found FROM (
       -- A call not sent (its cell stopped while it waited for the rate limit) settles its
       -- reservation at 0 as 'skipped': it is no call.
       SELECT ${groups[query.groupBy]} AS key, ${sqlSumCredits("l.credits")} AS credits,
              count(*) FILTER (WHERE l.outcome IS DISTINCT FROM 'skipped')::int AS calls,
              count(*) FILTER (WHERE l.outcome = 'found')::int AS found
         FROM credit_ledger l
        WHERE l.workspace_id = $1 AND l.state = 'settled'
          AND l.created_at >= $2::date AND l.created_at < $3::date + 1
        GROUP BY 1
     ) g ORDER BY ${query.groupBy === "day" ? "g.key" : "g.credits DESC, g.key"} LIMIT 10000`,
    [workspaceId, from, to],
  );
  const data = rows.map((r): UsageRow => {
    if (query.groupBy === "day") {
      const [day, provider] = r.key.split("|") as [string, string];
      return { ...r, key: r.key, day, provider, label: adapterInfo(provider)?.name ?? provider };
    }
    if (query.groupBy === "provider") {
      return { ...r, provider: r.key, day: null, label: adapterInfo(r.key)?.name ?? r.key };
    }
    return { ...r, provider: null, day: null };
  });
  const total = data.reduce(
    (t, r) => ({ credits: roundCredits(t.credits + r.credits), calls: t.calls + r.calls, found: t.found + r.found }),
    { credits: 0, calls: 0, found: 0 },
  );
  return { from, to, groupBy: query.groupBy, total, data };
}
