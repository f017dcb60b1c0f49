import { expect } from "vitest";
import { getDb } from "@/lib/db";
import type { ApiResult } from "./api";

// Everything the API can write, read straight from the database. A rejected request must
// leave all of it exactly as it was, including every updated_at.

export async function dbState() {
  const db = getDb();
  const [
    tables,
    columns,
    rows,
    jobs,
    tasks,
    views,
    lastViews,
    calls,
    credentials,
    alerts,
    costSettings,
    budgets,
    ledger,
    cache,
    deletedRows,
  ] = await Promise.all([
    db.table.findMany({ orderBy: { id: "asc" } }),
    db.column.findMany({ orderBy: { id: "asc" } }),
    db.row.findMany({ orderBy: { id: "asc" } }),
    db.enrichmentJob.findMany({ orderBy: { id: "asc" } }),
    db.cellEnrichmentTask.findMany({ orderBy: { id: "asc" } }),
    db.tableView.findMany({ orderBy: { id: "asc" } }),
    db.lastView.findMany({ orderBy: [{ userId: "asc" }, { tableId: "asc" }] }),
    db.providerCall.findMany({ orderBy: { id: "asc" } }),
    db.providerCredential.findMany({ orderBy: { id: "asc" } }),
    db.providerAlert.findMany({ orderBy: { provider: "asc" } }),
    db.workspaceCostSettings.findMany({ orderBy: { workspaceId: "asc" } }),
    db.creditBudget.findMany({ orderBy: { key: "asc" } }),
    db.creditCharge.findMany({ orderBy: { id: "asc" } }),
    db.providerCacheEntry.findMany({ orderBy: [{ provider: "asc" }, { key: "asc" }] }),
    db.deletedRow.findMany({ orderBy: [{ deletionId: "asc" }, { id: "asc" }] }),
  ]);
  return {
    tables,
    columns,
    rows,
    jobs,
    tasks,
    views,
    lastViews,
    calls,
    credentials,
    alerts,
    costSettings,
    budgets,
    ledger,
    cache,
    deletedRows,
  };
}

/** Runs `send` and asserts that the database is the same afterwards; returns its result. */
export async function withoutWrites<T>(send: () => Promise<T>): Promise<T> {
  const before = await dbState();
  const result = await send();
  expect(await dbState()).toEqual(before);
  return result;
}

/** Asserts the one error shape `{ error: { code, message, details? } }` and nothing else. */
export function expectError(result: ApiResult, status: number, code: string) {
  expect(result.status).toBe(status);
  expect(Object.keys(result.body)).toEqual(["error"]);
  const { error } = result.body;
  expect(error.code).toBe(code);
  expect(typeof error.message).toBe("string");
  expect(error.message.length).toBeGreaterThan(0);
  expect(Object.keys(error).every((k) => ["code", "message", "details"].includes(k))).toBe(true);
  return error as { code: string; message: string; details?: unknown };
}

/** The `path`s listed in a 422's details. */
export function detailPaths(result: ApiResult): string[] {
  return (result.body.error.details as { path: string }[]).map((d) => d.path);
}
