import type { ErrorBody } from "@/lib/api/respond";
import { SHOWN_WORKSPACE_HEADER } from "@/lib/auth/shown-workspace";

type Detail = { path: string; message: string };

/** An API error response, in the API's one error shape. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details?: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

function isDetailList(value: unknown): value is Detail[] {
  return Array.isArray(value) && value.every((d) => d && typeof d === "object" && "message" in d);
}

/**
 * One field problem in words: a CSV header's cell (`header.2`) is its column, counted from 1,
 * and left out when the message names it already; other paths are field names.
 */
function describeDetail(d: Detail): string {
  if (!d.path || d.path === "(root)") return d.message;
  const header = /^header\.(\d+)$/.exec(d.path);
  if (header) {
    const column = `column ${Number(header[1]) + 1}`;
    return d.message.includes(column) ? `header: ${d.message}` : `header ${column}: ${d.message}`;
  }
  return `${d.path}: ${d.message}`;
}

/** A sentence a person can act on: the message plus the first few field problems. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (!isDetailList(error.details) || error.details.length === 0) return error.message;
    const shown = error.details.slice(0, 3).map(describeDetail);
    const more = error.details.length > 3 ? ` (and ${error.details.length - 3} more)` : "";
    return `${error.message}: ${shown.join("; ")}${more}`;
  }
  if (error instanceof TypeError) return "The server could not be reached. Check your connection and try again.";
  return error instanceof Error ? error.message : String(error);
}

export const isAbort = (error: unknown) =>
  error instanceof DOMException ? error.name === "AbortError" : (error as { name?: string })?.name === "CancelledError";

// The workspace the page on screen shows (set by <ShownWorkspace>). Every API call says it, so
// a tab keeps working in the workspace it shows after the person switched workspace in
// another tab (the server's default is the session's active workspace, which that switch
// changed). Calls about a table work in the table's workspace whatever they say.
let shownWorkspaceId: string | null = null;

export function setShownWorkspace(id: string | null) {
  shownWorkspaceId = id;
}

/** The headers every API call of the app's pages sends. */
export function pageHeaders(): Record<string, string> {
  return shownWorkspaceId ? { [SHOWN_WORKSPACE_HEADER]: shownWorkspaceId } : {};
}

/** fetch + the API's error shape: resolves the JSON body, rejects with an ApiError. */
export async function apiFetch<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, headers, ...rest } = init;
  const response = await fetch(path, {
    ...rest,
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
    headers: { ...pageHeaders(), ...(json !== undefined ? { "content-type": "application/json" } : {}), ...headers },
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const error = (body as ErrorBody | undefined)?.error;
    throw new ApiError(
      response.status,
      error?.code ?? "http_error",
      error?.message ?? `The server answered ${response.status} ${response.statusText}`.trim(),
      error?.details,
    );
  }
  return body as T;
}
