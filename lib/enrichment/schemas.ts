import { z } from "zod";
import { MAX_PAGE, queryInt } from "../api/query";
import { maxCreditsField, refreshField } from "../costs/schemas";
import { type FilterNode, filterTree } from "../views/filter-schema";
import { MAX_CELLS_PER_JOB } from "./policy";

export { MAX_CELLS_PER_JOB };
/** Enrich bodies may list 100,000+ row ids. */
export const ENRICH_BODY_LIMIT = 16 * 1024 * 1024;

const id = z.string().min(1).max(100);

export const enrichRequestSchema = z
  .strictObject({
    columnIds: z.array(id).max(10_000).optional().describe("Grid mode: the columns to enrich"),
    rowIds: z
      .union([z.array(id).max(MAX_CELLS_PER_JOB), z.literal("all")])
      .optional()
      .describe('Grid mode: the rows to enrich, or "all" (also the default) for every row'),
    rowFilter: filterTree
      .optional()
      .describe("Grid mode: the rows matching this filter tree (as GET /rows?filter=), in place of rowIds"),
    cellIds: z
      .array(z.strictObject({ rowId: id, columnId: id }))
      .max(MAX_CELLS_PER_JOB)
      .optional()
      .describe("Explicit mode: any set of cells; duplicates collapse"),
    maxCredits: maxCreditsField,
    refresh: refreshField,
  })
  .superRefine((body, ctx) => {
    if (body.rowFilter !== undefined && (body.rowIds !== undefined || body.cellIds !== undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["rowFilter"],
        message: "rowFilter chooses the rows: give it with columnIds only, not with rowIds or cellIds",
      });
      return;
    }
    const grid = body.columnIds !== undefined || body.rowIds !== undefined || body.rowFilter !== undefined;
    if (grid && body.cellIds !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: "use either grid mode (columnIds, rowIds) or explicit mode (cellIds), not both",
      });
      return;
    }
    if (!grid && body.cellIds === undefined) {
      ctx.addIssue({ code: "custom", path: [], message: "give columnIds (and optionally rowIds) or cellIds" });
      return;
    }
    if (body.cellIds !== undefined && body.cellIds.length === 0) {
      ctx.addIssue({ code: "custom", path: ["cellIds"], message: "the selection is empty" });
    }
    if (grid && (body.columnIds === undefined || body.columnIds.length === 0)) {
      ctx.addIssue({
        code: "custom",
        path: ["columnIds"],
        message: "the selection is empty: give at least one column",
      });
    }
    if (Array.isArray(body.rowIds) && body.rowIds.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["rowIds"],
        message: 'the selection is empty: give at least one row, or "all"',
      });
    }
  });
export type EnrichRequest = z.output<typeof enrichRequestSchema>;

/** What a job may spend and whether it bypasses the cache (lib/costs). */
export type JobCostOptions = { maxCredits?: number; refresh?: boolean };

export function costOptionsOf(body: EnrichRequest): JobCostOptions {
  return { maxCredits: body.maxCredits, refresh: body.refresh };
}

export type Selection =
  | { mode: "grid"; columnIds: string[]; rowIds: string[] | "all" }
  | { mode: "filter"; columnIds: string[]; rowFilter: FilterNode }
  | { mode: "cells"; cells: { rowId: string; columnId: string }[] };

export function toSelection(body: EnrichRequest): Selection {
  if (body.cellIds) return { mode: "cells", cells: body.cellIds };
  if (body.rowFilter) return { mode: "filter", columnIds: body.columnIds ?? [], rowFilter: body.rowFilter };
  return { mode: "grid", columnIds: body.columnIds ?? [], rowIds: body.rowIds ?? "all" };
}

export const jobStatus = z.enum(["pending", "running", "completed", "failed", "cancelled"]);
export const taskStatus = z.enum(["queued", "running", "done", "failed", "skipped"]);

export const listJobsQuery = z.strictObject({
  page: queryInt({ min: 1, max: MAX_PAGE }).default(1),
  limit: queryInt({ min: 1, max: 100 }).default(20),
  status: jobStatus.optional(),
});

export const listTasksQuery = z.strictObject({
  status: taskStatus.optional(),
  page: queryInt({ min: 1, max: MAX_PAGE }).default(1),
  limit: queryInt({ min: 1, max: 1000 }).default(50),
});

const MAX_XID = 9_223_372_036_854_775_807n;

/**
 * A snapshot lists the transactions in progress when it was taken, at most one per server
 * connection (a few hundred; ~20 characters each), so a real cursor stays far below this,
 * and a URL carrying it stays below Node's 16 KB header limit.
 */
export const MAX_CURSOR_LENGTH = 8_192;

/**
 * A cursor is a Postgres snapshot as text: "xmin:xmax:xip1,xip2,…" with xmin ≤ every xip < xmax
 * and the xips in ascending order, as Postgres reads one (out of order, its cast fails).
 */
export function isSnapshotCursor(value: string): boolean {
  const match = /^(\d{1,19}):(\d{1,19}):((?:\d{1,19})(?:,\d{1,19})*)?$/.exec(value);
  if (!match) return false;
  const xmin = BigInt(match[1]);
  const xmax = BigInt(match[2]);
  const xip = match[3] ? match[3].split(",").map(BigInt) : [];
  const inOrder = xip.every((x, i) => i === 0 || x >= xip[i - 1]);
  return (
    xmin > 0n &&
    xmax <= MAX_XID &&
    xmin <= xmax &&
    xip.every((x) => x >= xmin && x < xmax) &&
    inOrder &&
    xip.length <= 1_000
  );
}

/**
 * A poll may watch some rows only (a grid's window): at most this many ids, so that with the
 * longest cursor the URL still stays below Node's 16 KB header limit.
 */
export const MAX_STATUS_ROW_IDS = 200;

export const cellStatusQuery = z.strictObject({
  since: z
    .string()
    .max(MAX_CURSOR_LENGTH, `must be at most ${MAX_CURSOR_LENGTH} characters`)
    .refine(isSnapshotCursor, "must be a cursor returned by an earlier call")
    .optional()
    .describe("Cursor from the previous response; omit for every cell's latest state"),
  limit: queryInt({ min: 1, max: 50_000 }).default(10_000),
  rowIds: z
    .string()
    .transform((list) => list.split(","))
    .pipe(
      z
        .array(z.uuid("must be row ids separated by commas"))
        .min(1)
        .max(MAX_STATUS_ROW_IDS, `must list at most ${MAX_STATUS_ROW_IDS} rows`),
    )
    .transform((ids) => [...new Set(ids.map((rowId) => rowId.toLowerCase()))])
    .optional()
    .describe("Comma-separated row ids: only the cells of these rows (a grid's window); the cursor stays the table's"),
});
