// Every React Query key of the app. Keys nest under ["tables", tableId] so one
// invalidation can reach everything of a table; the table itself sits at "meta" so
// invalidating it does not also refetch every row block. Row windows are keyed by the view
// they show (lib/client/view-query.ts viewKey): every entry under "rows" is a RowPage, so
// live updates can patch all of them at once.
export const queryKeys = {
  workspace: (workspaceId: string) => ["workspaces", workspaceId] as const,
  apiKeys: (workspaceId: string) => ["workspaces", workspaceId, "api-keys"] as const,
  invitations: (workspaceId: string) => ["workspaces", workspaceId, "invitations"] as const,
  members: (workspaceId: string) => ["workspaces", workspaceId, "members"] as const,
  tables: () => ["tables"] as const,
  table: (tableId: string) => ["tables", tableId] as const,
  tableMeta: (tableId: string) => ["tables", tableId, "meta"] as const,
  rowBlocks: (tableId: string) => ["tables", tableId, "rows"] as const,
  viewRows: (tableId: string, view: string) => ["tables", tableId, "rows", view] as const,
  rowBlock: (tableId: string, view: string, block: number) => ["tables", tableId, "rows", view, block] as const,
  /** The exact row count of a view, as the latest window of it said. */
  viewCount: (tableId: string, view: string) => ["tables", tableId, "view-count", view] as const,
  /** Every view's row count of the table (rows added or removed change them all). */
  viewCounts: (tableId: string) => ["tables", tableId, "view-count"] as const,
  views: (tableId: string) => ["tables", tableId, "views"] as const,
  jobs: (tableId: string) => ["tables", tableId, "jobs"] as const,
  jobTasks: (tableId: string, jobId: string, status: string, page: number) =>
    ["tables", tableId, "jobs", jobId, "tasks", status, page] as const,
  /** What retrying a job would run (null: nothing), as of `generation` (the table's newest job and its state). */
  retryable: (tableId: string, jobId: string, generation: string) =>
    ["tables", tableId, "jobs", jobId, "retryable", generation] as const,
  cellStatus: (tableId: string) => ["tables", tableId, "cell-status"] as const,
  cellHistory: (tableId: string, rowId: string, columnId: string) =>
    ["tables", tableId, "cells", rowId, columnId, "history"] as const,
  /** Everything read about one row's cells (their histories). */
  rowCells: (tableId: string, rowId: string) => ["tables", tableId, "cells", rowId] as const,
  providers: () => ["providers"] as const,
  /** The providers as a table's workspace has them (its page may be another than the person's active one). */
  tableProviders: (tableId: string) => ["providers", "table", tableId] as const,
  /** The estimate of enriching a selection, keyed by the request body it would send. */
  estimate: (tableId: string, body: string) => ["tables", tableId, "estimate", body] as const,
  /** Every estimate of a table's selections. */
  estimates: (tableId: string) => ["tables", tableId, "estimate"] as const,
  usage: (groupBy: string, from: string, to: string) => ["usage", groupBy, from, to] as const,
  budget: () => ["budget"] as const,
  /** The active workspace's prices and provider limits (settings). */
  prices: () => ["prices"] as const,
  providerLimits: () => ["provider-limits"] as const,
};
