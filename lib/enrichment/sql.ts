import { getPool, type Tx } from "../db";

/**
 * Runs one of the cell engine's statements. Without a transaction client it goes straight to
 * the shared pg pool as a named prepared statement, so Postgres parses and plans these large
 * statements once per connection instead of on every cell (measured: the planning dominated
 * the per-cell cost). Inside a Prisma transaction it runs the same text on that transaction.
 */
export async function runStatement<R>(name: string, text: string, values: unknown[], tx?: Tx): Promise<R[]> {
  if (tx) return tx.$queryRawUnsafe<R[]>(text, ...values);
  const result = await getPool().query<R & Record<string, unknown>>({ name, text, values });
  return result.rows;
}
