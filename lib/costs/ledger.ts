import "server-only";
import type { Tx } from "../db";
import { run, type Statement } from "../enrichment/store/run";
import { roundCredits, sqlCredits, sqlSumCredits } from "./credits";

// The ledger and the budgets it draws on. Before a paid call, reserve() holds the call's
// worst-case price on every budget it counts against (the job's and the workspace's month),
// in one statement that locks those budget rows and adds the reservation only if every one
// of them stays within its limit: concurrent steps in any process queue on the row locks, so
// reserved + spent never passes a limit. The reservation is the ledger row of the call, keyed
// (task, provider, attempt) like the provider call it pays for: a replayed step finds its own
// reservation instead of making a second one. settle() turns it into the actual charge in the
// transaction that records the call, only while it is still `reserved`, so a charge is
// counted exactly once however often a step is retried or replayed.

export const monthKeyOf = (workspaceId: string, at = new Date()) =>
  `month:${workspaceId}:${at.toISOString().slice(0, 7)}`;
export const jobKeyOf = (jobId: string) => `job:${jobId}`;

const ENSURE: Statement = {
  name: "glaze-budgets-ensure",
  plan: "generic",
  text: `
    INSERT INTO credit_budgets (key, workspace_id, limit_credits)
    SELECT $1, $3, j.max_credits FROM enrichment_jobs j WHERE j.id = $4::uuid
    UNION ALL
    SELECT $2, $3, (SELECT s.monthly_credits FROM workspace_cost_settings s WHERE s.workspace_id = $3)
    ON CONFLICT (key) DO NOTHING`,
};

/** Budget rows this process knows exist (they are never deleted). */
const ensured = new Set<string>();

/** The budget keys a job's calls count against, created on first use. */
export async function budgetKeysFor({ workspaceId, jobId }: { workspaceId: string; jobId: string }) {
  const keys = [jobKeyOf(jobId), monthKeyOf(workspaceId)].sort();
  if (!keys.every((k) => ensured.has(k))) {
    await run(ENSURE, [jobKeyOf(jobId), monthKeyOf(workspaceId), workspaceId, jobId]);
    for (const k of keys) ensured.add(k);
  }
  return keys;
}

const RESERVE: Statement = {
  name: "glaze-ledger-reserve",
  plan: "generic",
  text: `
    WITH next AS (
      SELECT COALESCE((SELECT max(p.attempt) FROM provider_calls p WHERE p.task_id = $1::uuid AND p.provider = $2), 0) + 1
             AS attempt
    ), prior AS (
      SELECT l.attempt FROM credit_ledger l, next
       WHERE l.task_id = $1::uuid AND l.provider = $2 AND l.attempt = next.attempt AND l.state = 'reserved'
    ), locked AS (
      SELECT b.key, b.limit_credits, b.spent, b.reserved FROM credit_budgets b
       WHERE b.key = ANY($3::text[]) ORDER BY b.key FOR UPDATE
    ), verdict AS (
      SELECT NOT EXISTS (SELECT 1 FROM prior)
             AND COALESCE(bool_and(limit_credits IS NULL OR ${sqlCredits("spent + reserved + $4::float8")} <= limit_credits), true)
             AS ok
        FROM locked
    ), l AS (
      INSERT INTO credit_ledger (task_id, provider, attempt, workspace_id, table_id, job_id, budget_keys, reserved)
      SELECT $1::uuid, $2, next.attempt, $5, $6::uuid, $7::uuid, $3::text[], ${sqlCredits("$4::float8")}
        FROM next, verdict WHERE verdict.ok
      ON CONFLICT (task_id, provider, attempt) DO NOTHING
      RETURNING reserved
    ), b AS (
      UPDATE credit_budgets cb SET reserved = ${sqlCredits("cb.reserved + l.reserved")}, updated_at = now()
        FROM l WHERE cb.key = ANY($3::text[])
      RETURNING 1
    )
    SELECT next.attempt, EXISTS (SELECT 1 FROM prior) AS replay, (SELECT count(*) FROM l)::int AS inserted,
           (SELECT count(*) FROM b)::int AS held, (SELECT ok FROM verdict) AS ok
      FROM next`,
};

export type Reservation =
  | { granted: true; attempt: number; amount: number }
  | { granted: false; reason: "budget reached" | "in flight" };

/**
 * Reserves `amount` credits for the next attempt of (task, provider) on `budgetKeys`. A
 * reservation left by a step that died before recording its call is reused (granted again
 * without holding more). Refused when a budget would pass its limit.
 */
export async function reserve({
  taskId,
  provider,
  amount,
  budgetKeys,
  workspaceId,
  tableId,
  jobId,
}: {
  taskId: string;
  provider: string;
  amount: number;
  budgetKeys: string[];
  workspaceId: string;
  tableId: string;
  jobId: string;
}): Promise<Reservation> {
  const [row] = await run<{ attempt: number; replay: boolean; inserted: number; held: number; ok: boolean }>(RESERVE, [
    taskId,
    provider,
    budgetKeys,
    amount,
    workspaceId,
    tableId,
    jobId,
  ]);
  if (!row) throw new Error("reserve returned no row");
  if (row.replay) return { granted: true, attempt: row.attempt, amount };
  if (row.inserted === 1) return { granted: true, attempt: row.attempt, amount };
  // Not inserted: refused by a budget, or a concurrent twin of this step reserved it first.
  return { granted: false, reason: row.ok ? "in flight" : "budget reached" };
}

/**
 * SQL, after a CTE `l` of ledger rows just settled (budget_keys, reserved, credits): moves
 * their reservations into their budgets' spent credits, the budget rows locked in key order.
 */
const INTO_BUDGETS = `per AS (
      SELECT k.key, ${sqlSumCredits("l.reserved")} AS reserved, ${sqlSumCredits("l.credits")} AS credits
        FROM l CROSS JOIN LATERAL unnest(l.budget_keys) AS k(key) GROUP BY k.key
    ), locked AS (
      -- In key order, as reserve() locks them: two writers never wait on each other in a cycle.
      SELECT b.key FROM credit_budgets b WHERE b.key IN (SELECT key FROM per) ORDER BY b.key FOR UPDATE
    )
    UPDATE credit_budgets b
       SET reserved = greatest(0, ${sqlCredits("b.reserved - per.reserved")}), spent = ${sqlCredits("b.spent + per.credits")},
           updated_at = now()
      FROM per JOIN locked ON locked.key = per.key WHERE b.key = per.key`;

const SETTLE: Statement = {
  name: "glaze-ledger-settle",
  plan: "generic",
  text: `
    WITH i AS (
      SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::float8[], $5::text[])
               AS i(task_id, provider, attempt, credits, outcome)
    ), l AS (
      UPDATE credit_ledger cl
         SET state = 'settled', credits = ${sqlCredits("i.credits")}, outcome = i.outcome, settled_at = now()
        FROM i
       WHERE cl.task_id = i.task_id AND cl.provider = i.provider AND cl.attempt = i.attempt AND cl.state = 'reserved'
      RETURNING cl.budget_keys, cl.reserved, cl.credits
    ), ${INTO_BUDGETS}`,
};

export type Settlement = { taskId: string; provider: string; attempt: number; credits: number; outcome: string };

/** Turns reservations into charges (only those still reserved: each is settled once). */
export async function settle(settlements: Settlement[], tx?: Tx) {
  if (settlements.length === 0) return;
  await run(
    SETTLE,
    [
      settlements.map((s) => s.taskId),
      settlements.map((s) => s.provider),
      settlements.map((s) => s.attempt),
      settlements.map((s) => s.credits),
      settlements.map((s) => s.outcome),
    ],
    tx,
  );
}

// Reservations whose step died and was never replayed: settled from the call if it was
// recorded (its charge was lost with the process, so the worst case is charged: the provider
// may have billed it), released otherwise.
const SWEEP: Statement = {
  name: "glaze-ledger-sweep",
  plan: "generic",
  text: `
    WITH stale AS (
      SELECT l.id, l.budget_keys, l.reserved,
             CASE WHEN EXISTS (SELECT 1 FROM provider_calls p
                                WHERE p.task_id = l.task_id AND p.provider = l.provider AND p.attempt = l.attempt)
                  THEN l.reserved ELSE 0 END AS credits
        FROM credit_ledger l
       WHERE l.state = 'reserved' AND l.created_at < now() - make_interval(secs => $1::float8 / 1000)
       ORDER BY l.created_at LIMIT 1000 FOR UPDATE SKIP LOCKED
    ), l AS (
      UPDATE credit_ledger cl SET state = 'settled', credits = stale.credits, outcome = COALESCE(cl.outcome, 'abandoned'),
                                  settled_at = now()
        FROM stale WHERE cl.id = stale.id
      RETURNING cl.budget_keys, cl.reserved, cl.credits
    ), ${INTO_BUDGETS}`,
};

/**
 * A reservation lives from before a call to its record: at most a rate-limit wait and a
 * provider timeout (well under a minute). One this old belongs to a step that died.
 */
export const STALE_RESERVATION_MS = 10 * 60_000;

/** Settles or releases reservations older than `olderThanMs` (the watchdog calls it). */
export async function sweepStaleReservations(olderThanMs: number) {
  await run(SWEEP, [olderThanMs]);
}

const BUDGETS: Statement = {
  name: "glaze-budgets-read",
  plan: "generic",
  text: `SELECT key, limit_credits AS "limit", spent, reserved FROM credit_budgets
          WHERE key = ANY($1::text[]) AND limit_credits IS NOT NULL`,
};

/**
 * The jobs (of `workspaceId`) that cannot reserve `amount` credits now: a budget they count
 * against (the job's own or the workspace's month) has less than that left. A read, not a
 * reservation: one that passes may still be refused by reserve(); one that fails is skipped
 * at once ("budget reached") instead of first waiting for the provider's rate limit.
 */
export async function jobsOverBudget(workspaceId: string, jobIds: string[], amount: number): Promise<Set<string>> {
  if (amount <= 0 || jobIds.length === 0) return new Set();
  // The budget rows as reserve() would find them (created on first use).
  for (const jobId of jobIds) await budgetKeysFor({ workspaceId, jobId });
  const month = monthKeyOf(workspaceId);
  const budgets = await run<{ key: string; limit: number; spent: number; reserved: number }>(BUDGETS, [
    [month, ...jobIds.map(jobKeyOf)],
  ]);
  const short = new Set(budgets.filter((b) => roundCredits(b.spent + b.reserved + amount) > b.limit).map((b) => b.key));
  return new Set(jobIds.filter((jobId) => short.has(month) || short.has(jobKeyOf(jobId))));
}

const MARK: Statement = {
  name: "glaze-job-budget-reached",
  plan: "generic",
  text: `UPDATE enrichment_jobs SET budget_reached = true WHERE id = $1::uuid AND NOT budget_reached`,
};

export async function markBudgetReached(jobId: string) {
  await run(MARK, [jobId]);
}
