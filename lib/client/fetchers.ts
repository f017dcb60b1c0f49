import type { z } from "zod";
import type { ApiKeyDto } from "@/lib/auth/api-keys";
import type { InvitationDto } from "@/lib/auth/invitations";
import type { MemberDto } from "@/lib/auth/members";
import type { createApiKeySchema, inviteSchema } from "@/lib/auth/schemas";
import type { WorkspaceDto } from "@/lib/auth/workspaces";
import type { createColumnSchema, updateColumnSchema } from "@/lib/columns/schemas";
import type { ColumnDto } from "@/lib/columns/serialize";
import type { EstimateDto } from "@/lib/costs/estimate";
import type { putBudgetSchema, putLimitsSchema, putPricesSchema } from "@/lib/costs/schemas";
import type { UsageDto } from "@/lib/costs/usage";
import type { BudgetDto, LimitsDto, PricesDto } from "@/lib/costs/workspace-costs";
import type { ImportResult } from "@/lib/csv/import-table";
import type { CellHistoryDto } from "@/lib/enrichment/cell-history";
import type { CellStatusPage } from "@/lib/enrichment/cell-status";
import type { EnrichResponse } from "@/lib/enrichment/enrich";
import type { TaskDto } from "@/lib/enrichment/jobs";
import type { enrichRequestSchema } from "@/lib/enrichment/schemas";
import type { JobDto } from "@/lib/enrichment/serialize";
import type { CredentialSummary } from "@/lib/providers/credentials";
import type { ProvidersDto } from "@/lib/providers/list";
import type { putCredentialSchema } from "@/lib/providers/schemas";
import type { Vendor } from "@/lib/providers/types";
import type { RowPage } from "@/lib/rows/rows";
import type { RowData, RowDto } from "@/lib/rows/serialize";
import type { createTableSchema } from "@/lib/tables/schemas";
import type { TableDto } from "@/lib/tables/serialize";
import type { LastViewDto } from "@/lib/views/last-view";
import type { ViewDto } from "@/lib/views/serialize-view";
import type { createViewSchema, lastViewSchema, updateViewSchema } from "@/lib/views/view-schemas";
import { apiFetch } from "./http";
import { type ImportProgress, uploadCsv } from "./upload-csv";
import { type ViewQuery, viewParams } from "./view-query";

// Typed client calls of the public API. Request and response types are the API's own
// (inferred from its zod schemas and DTOs), so a contract change breaks the build here.

export type EnrichRequest = z.input<typeof enrichRequestSchema>;
export type Page<T> = { data: T[]; meta: { total: number; page: number; limit: number; totalPages: number } };

export type { ApiKeyDto } from "@/lib/auth/api-keys";
export type { InvitationDto } from "@/lib/auth/invitations";
export type { MemberDto } from "@/lib/auth/members";
export type { WorkspaceDto } from "@/lib/auth/workspaces";
export type {
  BudgetDto,
  CellHistoryDto,
  CellStatusPage,
  ColumnDto,
  EnrichResponse,
  EstimateDto,
  ImportResult,
  JobDto,
  ProvidersDto,
  RowData,
  RowDto,
  RowPage,
  TableDto,
  TaskDto,
  UsageDto,
  ViewDto,
};

const workspace = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}`;

const base = (tableId: string) => `/api/tables/${encodeURIComponent(tableId)}`;

export const fetchers = {
  createWorkspace: (name: string) => apiFetch<WorkspaceDto>("/api/workspaces", { method: "POST", json: { name } }),
  renameWorkspace: (workspaceId: string, name: string) =>
    apiFetch<WorkspaceDto>(workspace(workspaceId), { method: "PATCH", json: { name } }),
  listApiKeys: (workspaceId: string, signal?: AbortSignal) =>
    apiFetch<{ data: ApiKeyDto[] }>(`${workspace(workspaceId)}/api-keys`, { signal }),
  createApiKey: (workspaceId: string, input: z.input<typeof createApiKeySchema>) =>
    apiFetch<ApiKeyDto & { key: string }>(`${workspace(workspaceId)}/api-keys`, { method: "POST", json: input }),
  revokeApiKey: (workspaceId: string, keyId: string) =>
    apiFetch<void>(`${workspace(workspaceId)}/api-keys/${keyId}`, { method: "DELETE" }),
  listInvitations: (workspaceId: string, signal?: AbortSignal) =>
    apiFetch<{ data: InvitationDto[] }>(`${workspace(workspaceId)}/invitations`, { signal }),
  invite: (workspaceId: string, input: z.input<typeof inviteSchema>) =>
    apiFetch<InvitationDto>(`${workspace(workspaceId)}/invitations`, { method: "POST", json: input }),
  cancelInvitation: (workspaceId: string, invitationId: string) =>
    apiFetch<void>(`${workspace(workspaceId)}/invitations/${invitationId}`, { method: "DELETE" }),
  listMembers: (workspaceId: string, signal?: AbortSignal) =>
    apiFetch<{ data: MemberDto[] }>(`${workspace(workspaceId)}/members`, { signal }),
  updateMemberRole: (workspaceId: string, memberId: string, role: string) =>
    apiFetch<{ id: string; role: string; revokedApiKeys: number }>(`${workspace(workspaceId)}/members/${memberId}`, {
      method: "PATCH",
      json: { role },
    }),
  removeMember: (workspaceId: string, memberId: string) =>
    apiFetch<void>(`${workspace(workspaceId)}/members/${memberId}`, { method: "DELETE" }),
  declineInvitation: (invitationId: string) =>
    apiFetch<void>(`/api/invitations/${invitationId}/decline`, { method: "POST" }),
  acceptInvitation: (invitationId: string) =>
    apiFetch<{ workspaceId: string | null }>(`/api/invitations/${invitationId}/accept`, { method: "POST" }),

  getTable: (tableId: string, signal?: AbortSignal) => apiFetch<TableDto>(base(tableId), { signal }),
  createTable: (input: z.input<typeof createTableSchema>) =>
    apiFetch<TableDto>("/api/tables", { method: "POST", json: input }),

  getRows: (
    tableId: string,
    { offset, limit, view }: { offset: number; limit: number; view?: ViewQuery },
    signal?: AbortSignal,
  ) => {
    const query = new URLSearchParams({
      offset: String(offset),
      limit: String(limit),
      ...(view ? viewParams(view) : {}),
    });
    return apiFetch<RowPage>(`${base(tableId)}/rows?${query}`, { signal });
  },
  createRows: (tableId: string, rows: { data: RowData }[]) =>
    apiFetch<{ data: RowDto[]; meta: { created: number } }>(`${base(tableId)}/rows`, {
      method: "POST",
      json: { rows },
    }),
  updateRow: (tableId: string, rowId: string, data: RowData) =>
    apiFetch<RowDto>(`${base(tableId)}/rows/${rowId}`, { method: "PATCH", json: { data } }),
  updateRows: (tableId: string, rows: { id: string; data: RowData }[]) =>
    apiFetch<{ data: RowDto[] }>(`${base(tableId)}/rows`, { method: "PATCH", json: { rows } }),
  deleteRows: (tableId: string, ids: string[]) =>
    apiFetch<{ meta: { deleted: number; deletion: string } }>(`${base(tableId)}/rows`, {
      method: "DELETE",
      json: { ids },
    }),
  restoreRows: (tableId: string, deletion: string) =>
    apiFetch<{ data: RowDto[]; meta: { restored: number } }>(`${base(tableId)}/rows/restore`, {
      method: "POST",
      json: { deletion },
    }),

  createColumn: (tableId: string, input: z.input<typeof createColumnSchema>) =>
    apiFetch<ColumnDto>(`${base(tableId)}/columns`, { method: "POST", json: input }),
  updateColumn: (tableId: string, columnId: string, patch: z.input<typeof updateColumnSchema>) =>
    apiFetch<ColumnDto>(`${base(tableId)}/columns/${columnId}`, { method: "PATCH", json: patch }),
  deleteColumn: (tableId: string, columnId: string) =>
    apiFetch<void>(`${base(tableId)}/columns/${columnId}`, { method: "DELETE" }),

  enrich: (tableId: string, body: EnrichRequest) =>
    apiFetch<EnrichResponse>(`${base(tableId)}/enrich`, { method: "POST", json: body }),
  estimate: (tableId: string, body: EnrichRequest, signal?: AbortSignal) =>
    apiFetch<EstimateDto>(`${base(tableId)}/enrich/estimate`, { method: "POST", json: body, signal }),
  usage: (query: { from?: string; to?: string; groupBy: UsageDto["groupBy"] }, signal?: AbortSignal) =>
    apiFetch<UsageDto>(
      `/api/usage?${new URLSearchParams(Object.entries(query).filter(([, v]) => v) as [string, string][])}`,
      {
        signal,
      },
    ),
  budget: (signal?: AbortSignal) => apiFetch<BudgetDto>("/api/workspace/budget", { signal }),
  putBudget: (body: z.input<typeof putBudgetSchema>) =>
    apiFetch<BudgetDto>("/api/workspace/budget", { method: "PUT", json: body }),
  prices: (signal?: AbortSignal) => apiFetch<PricesDto>("/api/workspace/prices", { signal }),
  putPrices: (body: z.input<typeof putPricesSchema>) =>
    apiFetch<PricesDto>("/api/workspace/prices", { method: "PUT", json: body }),
  providerLimits: (signal?: AbortSignal) => apiFetch<LimitsDto>("/api/workspace/provider-limits", { signal }),
  putProviderLimits: (body: z.input<typeof putLimitsSchema>) =>
    apiFetch<LimitsDto>("/api/workspace/provider-limits", { method: "PUT", json: body }),
  listJobs: (tableId: string, signal?: AbortSignal) =>
    apiFetch<Page<JobDto>>(`${base(tableId)}/enrich/jobs?limit=20`, { signal }),
  listTasks: (
    tableId: string,
    jobId: string,
    { status, page }: { status?: TaskDto["status"]; page: number },
    signal?: AbortSignal,
  ) =>
    apiFetch<Page<TaskDto>>(
      `${base(tableId)}/enrich/jobs/${jobId}/tasks?page=${page}&limit=50${status ? `&status=${status}` : ""}`,
      { signal },
    ),
  cancelJob: (tableId: string, jobId: string) =>
    apiFetch<JobDto>(`${base(tableId)}/enrich/jobs/${jobId}/cancel`, { method: "POST" }),
  estimateRetry: (tableId: string, jobId: string) =>
    apiFetch<EstimateDto>(`${base(tableId)}/enrich/jobs/${jobId}/retry/estimate`, { method: "POST" }),
  /** How many cells retrying the job would run again (0: none left). */
  retryableCells: (tableId: string, jobId: string) =>
    apiFetch<{ cells: number }>(`${base(tableId)}/enrich/jobs/${jobId}/retry`),
  retryJob: (tableId: string, jobId: string) =>
    apiFetch<EnrichResponse>(`${base(tableId)}/enrich/jobs/${jobId}/retry`, { method: "POST" }),
  cellStatus: (tableId: string, { since, limit }: { since?: string; limit?: number }, signal?: AbortSignal) => {
    const query = new URLSearchParams({ ...(since ? { since } : {}), ...(limit ? { limit: String(limit) } : {}) });
    return apiFetch<CellStatusPage>(`${base(tableId)}/cells/status?${query}`, { signal });
  },

  listViews: (tableId: string, signal?: AbortSignal) =>
    apiFetch<{ data: ViewDto[]; meta: { total: number } }>(`${base(tableId)}/views`, { signal }),
  createView: (tableId: string, input: z.input<typeof createViewSchema>) =>
    apiFetch<ViewDto>(`${base(tableId)}/views`, { method: "POST", json: input }),
  updateView: (tableId: string, viewId: string, patch: z.input<typeof updateViewSchema>) =>
    apiFetch<ViewDto>(`${base(tableId)}/views/${viewId}`, { method: "PATCH", json: patch }),
  deleteView: (tableId: string, viewId: string) =>
    apiFetch<void>(`${base(tableId)}/views/${viewId}`, { method: "DELETE" }),
  /** Remembers the signed-in person's view of the table; keepalive: a switch just before leaving still lands. */
  rememberView: (tableId: string, body: z.input<typeof lastViewSchema>) =>
    apiFetch<LastViewDto>(`${base(tableId)}/views/last`, { method: "PUT", json: body, keepalive: true }),

  importNewTable: (file: Blob, name: string, onProgress: (progress: ImportProgress) => void = () => {}) =>
    uploadCsv(`/api/tables/import?name=${encodeURIComponent(name)}`, file, onProgress),
  importIntoTable: (
    tableId: string,
    file: Blob,
    { createColumns }: { createColumns: boolean },
    onProgress: (progress: ImportProgress) => void = () => {},
  ) => uploadCsv(`${base(tableId)}/import?createColumns=${createColumns}`, file, onProgress),
  /** The CSV download of the view's rows (`view`) and of the columns shown (`columns`, keys), or of the whole table. */
  exportUrl: (tableId: string, view?: ViewQuery, columns?: string[]) => {
    const params = new URLSearchParams({
      ...(view ? viewParams(view) : {}),
      ...(columns ? { columns: columns.join(",") } : {}),
    });
    return `${base(tableId)}/export${params.size > 0 ? `?${params}` : ""}`;
  },

  cellHistory: (tableId: string, rowId: string, columnId: string, signal?: AbortSignal) =>
    apiFetch<CellHistoryDto>(`${base(tableId)}/rows/${rowId}/cells/${columnId}`, { signal }),
  listProviders: (signal?: AbortSignal) => apiFetch<ProvidersDto>("/api/providers", { signal }),
  listTableProviders: (tableId: string, signal?: AbortSignal) =>
    apiFetch<ProvidersDto>(`/api/tables/${tableId}/providers`, { signal }),
  /** Stores the workspace's key for a provider (`name`: an HTTP secret's); answers its last 4 characters. */
  putCredential: (vendor: Vendor, body: z.input<typeof putCredentialSchema>) =>
    apiFetch<CredentialSummary & { configured: true }>(`/api/providers/${vendor}/credentials`, {
      method: "PUT",
      json: body,
    }),
  deleteCredential: (vendor: Vendor, name?: string) =>
    apiFetch<void>(`/api/providers/${vendor}/credentials${name ? `?${new URLSearchParams({ name })}` : ""}`, {
      method: "DELETE",
    }),
};
