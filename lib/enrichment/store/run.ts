import "server-only";
import { isBackgroundWork } from "../../background";
import { getEnginePool, getHintingPool, getPool, type Tx } from "../../db";
import { whileDatabaseRecovers } from "../../db-errors";
import { hintCells } from "../../realtime/cell-hints";
import { withDbRetry } from "./db-retry";

/**
 * A statement of the enrichment store. `generic`: prepared once per connection under `name`
 * with a generic plan: for the hot statements whose best plan does not depend on their
 * parameters (they look tasks, rows and jobs up by id), where Postgres otherwise re-plans on
 * every call. `custom`: planned for its parameters on every call, for statements whose plan
 * does (e.g. one table's changes since a snapshot).
 */
export type Statement = {
  name: string;
  text: string;
  plan: "generic" | "custom";
  /**
   * `cells`: a hot statement that changes cells; every row it returns has the changed task's
   * `tableId`. Run on its own, it goes to the hinting pool, where the tasks' trigger stays
   * quiet, and its tables are hinted through lib/realtime/cell-hints.ts after it committed.
   */
  hints?: "cells";
};

/**
 * The one rule for which driver runs a store statement. Given a transaction (a Prisma
 * interactive transaction client), the statement joins it, so it commits or rolls back with
 * the caller's other writes. Otherwise it runs on its own: a `generic` statement on the
 * store's pool (plan_cache_mode = force_generic_plan, see lib/db.ts) as a named prepared
 * statement, a `custom` one unnamed on the default pool. Never pass the non-transactional
 * Prisma client: omit `tx` instead. Outside a transaction, deadlocks and serialisation
 * failures are retried (store statements are guarded by task status, so a rerun is safe),
 * and so are outages during background work; inside one, the caller retries the whole
 * transaction.
 */
export async function run<R>(statement: Statement, values: unknown[], tx?: Tx): Promise<R[]> {
  if (tx) return tx.$queryRawUnsafe<R[]>(statement.text, ...values);
  const once = () => runOnce<R>(statement, values);
  // Background work (Inngest steps) waits out a database outage statement by statement, so
  // a provider call between two statements is never repeated because of it.
  return isBackgroundWork() ? whileDatabaseRecovers(once) : once();
}

async function runOnce<R>(statement: Statement, values: unknown[]): Promise<R[]> {
  return withDbRetry(async () => {
    if (statement.plan === "custom") {
      return (await getPool().query<R & Record<string, unknown>>(statement.text, values)).rows;
    }
    const pool = statement.hints ? getHintingPool() : getEnginePool();
    const { rows } = await pool.query<R & Record<string, unknown>>({
      name: statement.name,
      text: statement.text,
      values,
    });
    if (statement.hints && rows.length > 0) hintCells(new Set(rows.map((r) => r.tableId as string)));
    return rows;
  });
}
