// Every React Query key of the app. Keys nest under ["tables", tableId] so one
// invalidation can reach everything of a table; the table itself sits at "meta" so
// invalidating it does not also refetch every row block.
export const queryKeys = {
  workspace: (workspaceId: string) => ["workspaces", workspaceId] as const,
  apiKeys: (workspaceId: string) => ["workspaces", workspaceId, "api-keys"] as const,
  invitations: (workspaceId: string) => ["workspaces", workspaceId, "invitations"] as const,
  members: (workspaceId: string) => ["workspaces", workspaceId, "members"] as const,
  tables: () => ["tables"] as const,
  table: (tableId: string) => ["tables", tableId] as const,
  tableMeta: (tableId: string) => ["tables", tableId, "meta"] as const,
  rowBlocks: (tableId: string) => ["tables", tableId, "rows"] as const,
  rowBlock: (tableId: string, block: number) => ["tables", tableId, "rows", block] as const,
  jobs: (tableId: string) => ["tables", tableId, "jobs"] as const,
  jobTasks: (tableId: string, jobId: string, status: string, page: number) =>
    ["tables", tableId, "jobs", jobId, "tasks", status, page] as const,
  cellStatus: (tableId: string) => ["tables", tableId, "cell-status"] as const,
};
