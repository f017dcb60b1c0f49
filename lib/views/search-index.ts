import "server-only";
import { getPool } from "../db";

// The optional trigram index over each row's values (see the views migration for why it is
// not created by default). When it exists, text conditions first search the row's values, a
// condition the index answers; without it that extra condition would only cost a scan more.
// Checked at most once a minute per process, so creating or dropping it needs no restart.

export const SEARCH_INDEX = "rows_search_trgm_idx";
const RECHECK_MS = 60_000;

let cached: { at: number; present: Promise<boolean> } | undefined;

export function hasSearchIndex(): Promise<boolean> {
  if (!cached || Date.now() - cached.at > RECHECK_MS) {
    const present = getPool()
      .query<{ present: boolean }>("SELECT to_regclass($1) IS NOT NULL AS present", [SEARCH_INDEX])
      .then((result) => result.rows[0].present)
      .catch(() => false);
    cached = { at: Date.now(), present };
  }
  return cached.present;
}
