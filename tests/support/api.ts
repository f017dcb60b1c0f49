import { testAccount } from "./auth";

// Calls the real Next.js route handlers in-process (no HTTP server), with real Requests,
// so API tests exercise parsing, validation, the database and the error shape end to end.

// biome-ignore lint/suspicious/noExplicitAny: each route declares its own params type
type Handler = (request: Request, context: { params: Promise<any> }) => Promise<Response>;
type RouteModule = Partial<Record<"GET" | "POST" | "PATCH" | "PUT" | "DELETE", Handler>>;

const routes: [RegExp, string[], () => Promise<RouteModule>][] = [];
function add(pattern: string, load: () => Promise<RouteModule>) {
  const names: string[] = [];
  const regex = new RegExp(
    `^${pattern.replace(/:(\w+)(\*)?/g, (_, name, rest) => {
      names.push(name);
      return rest ? "(.+)" : "([^/]+)";
    })}$`,
  );
  routes.push([regex, names, load]);
}

add("/api/tables", () => import("@/app/api/tables/route"));
add("/api/tables/:tableId", () => import("@/app/api/tables/[tableId]/route"));
add("/api/tables/:tableId/columns", () => import("@/app/api/tables/[tableId]/columns/route"));
add("/api/tables/:tableId/columns/:columnId", () => import("@/app/api/tables/[tableId]/columns/[columnId]/route"));
add("/api/tables/:tableId/rows", () => import("@/app/api/tables/[tableId]/rows/route"));
add("/api/tables/:tableId/rows/restore", () => import("@/app/api/tables/[tableId]/rows/restore/route"));
add("/api/tables/:tableId/rows/:rowId", () => import("@/app/api/tables/[tableId]/rows/[rowId]/route"));

add("/api/tables/:tableId/enrich", () => import("@/app/api/tables/[tableId]/enrich/route"));
add("/api/tables/:tableId/enrich/jobs", () => import("@/app/api/tables/[tableId]/enrich/jobs/route"));
add("/api/tables/:tableId/enrich/jobs/:jobId", () => import("@/app/api/tables/[tableId]/enrich/jobs/[jobId]/route"));
add(
  "/api/tables/:tableId/enrich/jobs/:jobId/tasks",
  () => import("@/app/api/tables/[tableId]/enrich/jobs/[jobId]/tasks/route"),
);
add(
  "/api/tables/:tableId/enrich/jobs/:jobId/cancel",
  () => import("@/app/api/tables/[tableId]/enrich/jobs/[jobId]/cancel/route"),
);
add(
  "/api/tables/:tableId/enrich/jobs/:jobId/retry",
  () => import("@/app/api/tables/[tableId]/enrich/jobs/[jobId]/retry/route"),
);
add(
  "/api/tables/:tableId/enrich/jobs/:jobId/retry/estimate",
  () => import("@/app/api/tables/[tableId]/enrich/jobs/[jobId]/retry/estimate/route"),
);
add(
  "/api/tables/:tableId/enrich/jobs/:jobId/dispatch",
  () => import("@/app/api/tables/[tableId]/enrich/jobs/[jobId]/dispatch/route"),
);
add("/api/tables/:tableId/views", () => import("@/app/api/tables/[tableId]/views/route"));
// Before /views/:viewId, which "last" would match too (Next.js also prefers the literal segment).
add("/api/tables/:tableId/views/last", () => import("@/app/api/tables/[tableId]/views/last/route"));
add("/api/tables/:tableId/views/:viewId", () => import("@/app/api/tables/[tableId]/views/[viewId]/route"));
add("/api/tables/:tableId/cells/status", () => import("@/app/api/tables/[tableId]/cells/status/route"));
add("/api/tables/:tableId/providers", () => import("@/app/api/tables/[tableId]/providers/route"));
add(
  "/api/tables/:tableId/rows/:rowId/cells/:columnId",
  () => import("@/app/api/tables/[tableId]/rows/[rowId]/cells/[columnId]/route"),
);
add("/api/providers", () => import("@/app/api/providers/route"));
add("/api/tables/:tableId/enrich/estimate", () => import("@/app/api/tables/[tableId]/enrich/estimate/route"));
add("/api/workspace/prices", () => import("@/app/api/workspace/prices/route"));
add("/api/workspace/budget", () => import("@/app/api/workspace/budget/route"));
add("/api/workspace/provider-limits", () => import("@/app/api/workspace/provider-limits/route"));
add("/api/usage", () => import("@/app/api/usage/route"));
add("/api/providers/:provider/credentials", () => import("@/app/api/providers/[provider]/credentials/route"));
add("/api/tables/:tableId/events", () => import("@/app/api/tables/[tableId]/events/route"));
add(
  "/api/tables/:tableId/enrich/jobs/:jobId/events",
  () => import("@/app/api/tables/[tableId]/enrich/jobs/[jobId]/events/route"),
);
add("/api/health", () => import("@/app/api/health/route"));
add("/api/tables/import", () => import("@/app/api/tables/import/route"));
add("/api/tables/:tableId/import", () => import("@/app/api/tables/[tableId]/import/route"));
add("/api/tables/:tableId/export", () => import("@/app/api/tables/[tableId]/export/route"));
add("/api/inngest", () => import("@/app/api/inngest/route"));
add("/api/auth/:rest*", () => import("@/app/api/auth/[...all]/route"));
add("/api/workspaces", () => import("@/app/api/workspaces/route"));
add("/api/workspaces/:workspaceId", () => import("@/app/api/workspaces/[workspaceId]/route"));
add("/api/workspaces/:workspaceId/api-keys", () => import("@/app/api/workspaces/[workspaceId]/api-keys/route"));
add(
  "/api/workspaces/:workspaceId/api-keys/:keyId",
  () => import("@/app/api/workspaces/[workspaceId]/api-keys/[keyId]/route"),
);
add("/api/workspaces/:workspaceId/invitations", () => import("@/app/api/workspaces/[workspaceId]/invitations/route"));
add(
  "/api/workspaces/:workspaceId/invitations/:invitationId",
  () => import("@/app/api/workspaces/[workspaceId]/invitations/[invitationId]/route"),
);
add("/api/workspaces/:workspaceId/members", () => import("@/app/api/workspaces/[workspaceId]/members/route"));
add(
  "/api/workspaces/:workspaceId/members/:memberId",
  () => import("@/app/api/workspaces/[workspaceId]/members/[memberId]/route"),
);
add("/api/invitations/:invitationId", () => import("@/app/api/invitations/[invitationId]/route"));
add("/api/invitations/:invitationId/accept", () => import("@/app/api/invitations/[invitationId]/accept/route"));
add("/api/invitations/:invitationId/decline", () => import("@/app/api/invitations/[invitationId]/decline/route"));

/** The handler of `method` on `pathname` and its params; undefined when the route has no such method. */
export async function findRoute(method: string, pathname: string) {
  // Literal routes win over parameterised ones (/api/tables/import before /api/tables/:tableId).
  const match =
    routes.find(([regex, names]) => names.length === 0 && regex.test(pathname)) ??
    routes.find(([regex]) => regex.test(pathname));
  if (!match) throw new Error(`no route for ${pathname}`);
  const [regex, names, load] = match;
  const values = regex.exec(pathname)?.slice(1) ?? [];
  const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(values[i])]));
  const handler = (await load())[method as keyof RouteModule];
  return handler ? { handler, params } : undefined;
}

export function registerRoute(pattern: string, load: () => Promise<RouteModule>) {
  add(pattern, load);
}

/** Response bodies are read loosely in tests; each test asserts the shape it cares about. */
// biome-ignore lint/suspicious/noExplicitAny: see above
type Loose = any;

export type ApiResult<T = Loose> = { status: number; body: T; headers: Headers };

export type RequestInit = {
  /** The body as sent, instead of `body` as JSON (bytes: e.g. text that is not UTF-8). */
  raw?: string | Uint8Array<ArrayBuffer>;
  headers?: Record<string, string>;
  /** Send no credentials (by default the file's test account's API key is sent). */
  anonymous?: boolean;
};

export async function request<T = Loose>(
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
  init: RequestInit = {},
): Promise<ApiResult<T>> {
  const given = Object.keys(init.headers ?? {}).map((h) => h.toLowerCase());
  const credentials: Record<string, string> =
    init.anonymous || given.includes("authorization") || given.includes("cookie") || path.startsWith("/api/inngest")
      ? {}
      : { authorization: `Bearer ${(await testAccount()).apiKey}` };
  const url = new URL(path, "http://localhost:3000");
  const found = await findRoute(method, url.pathname);
  // Every route file exports every method (lib/api/handler.ts's otherMethods answers the 405s).
  if (!found) throw new Error(`the route file of ${url.pathname} exports no ${method}`);
  const { handler, params } = found;
  const payload = init.raw ?? (body === undefined ? undefined : JSON.stringify(body));
  const response = await handler(
    new Request(url, {
      method,
      body: payload,
      headers: { "content-type": "application/json", ...credentials, ...init.headers },
    }),
    { params: Promise.resolve(params) },
  );
  // An event stream (the /events routes) does not end by itself: its status and headers are
  // what callers of this helper check, so it is cancelled at once (which unsubscribes it).
  if (response.headers.get("content-type")?.startsWith("text/event-stream")) {
    await response.body?.cancel();
    return { status: response.status, body: undefined as T, headers: response.headers };
  }
  const text = await response.text();
  const isJson = response.headers.get("content-type")?.includes("json") ?? false;
  const parsed = text && isJson ? JSON.parse(text) : text || undefined;
  return { status: response.status, body: parsed as T, headers: response.headers };
}

export const api = {
  get: <T = Loose>(path: string, init?: RequestInit) => request<T>("GET", path, undefined, init),
  post: <T = Loose>(path: string, body?: unknown, init?: RequestInit) => request<T>("POST", path, body, init),
  patch: <T = Loose>(path: string, body?: unknown, init?: RequestInit) => request<T>("PATCH", path, body, init),
  put: <T = Loose>(path: string, body?: unknown, init?: RequestInit) => request<T>("PUT", path, body, init),
  delete: <T = Loose>(path: string, body?: unknown, init?: RequestInit) => request<T>("DELETE", path, body, init),
};
