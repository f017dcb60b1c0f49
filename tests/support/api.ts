// Calls the real Next.js route handlers in-process (no HTTP server), with real Requests,
// so API tests exercise parsing, validation, the database and the error shape end to end.

// biome-ignore lint/suspicious/noExplicitAny: each route declares its own params type
type Handler = (request: Request, context: { params: Promise<any> }) => Promise<Response>;
type RouteModule = Partial<Record<"GET" | "POST" | "PATCH" | "PUT" | "DELETE", Handler>>;

const routes: [RegExp, string[], () => Promise<RouteModule>][] = [];
function add(pattern: string, load: () => Promise<RouteModule>) {
  const names: string[] = [];
  const regex = new RegExp(
    `^${pattern.replace(/:(\w+)/g, (_, name) => {
      names.push(name);
      return "([^/]+)";
    })}$`,
  );
  routes.push([regex, names, load]);
}

add("/api/tables", () => import("@/app/api/tables/route"));
add("/api/tables/:tableId", () => import("@/app/api/tables/[tableId]/route"));
add("/api/tables/:tableId/columns", () => import("@/app/api/tables/[tableId]/columns/route"));
add("/api/tables/:tableId/columns/:columnId", () => import("@/app/api/tables/[tableId]/columns/[columnId]/route"));
add("/api/tables/:tableId/rows", () => import("@/app/api/tables/[tableId]/rows/route"));
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
  "/api/tables/:tableId/enrich/jobs/:jobId/dispatch",
  () => import("@/app/api/tables/[tableId]/enrich/jobs/[jobId]/dispatch/route"),
);
add("/api/tables/:tableId/cells/status", () => import("@/app/api/tables/[tableId]/cells/status/route"));
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

export async function request<T = Loose>(
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
  init: { raw?: string; headers?: Record<string, string> } = {},
): Promise<ApiResult<T>> {
  const url = new URL(path, "http://localhost:3000");
  const found = await findRoute(method, url.pathname);
  if (!found) return { status: 405, body: undefined as T, headers: new Headers() };
  const { handler, params } = found;
  const payload = init.raw ?? (body === undefined ? undefined : JSON.stringify(body));
  const response = await handler(
    new Request(url, {
      method,
      body: payload,
      headers: { "content-type": "application/json", ...init.headers },
    }),
    { params: Promise.resolve(params) },
  );
  const text = await response.text();
  const isJson = response.headers.get("content-type")?.includes("json") ?? false;
  const parsed = text && isJson ? JSON.parse(text) : text || undefined;
  return { status: response.status, body: parsed as T, headers: response.headers };
}

export const api = {
  get: <T = Loose>(path: string) => request<T>("GET", path),
  post: <T = Loose>(path: string, body?: unknown, init?: { raw?: string; headers?: Record<string, string> }) =>
    request<T>("POST", path, body, init),
  patch: <T = Loose>(path: string, body?: unknown, init?: { raw?: string }) => request<T>("PATCH", path, body, init),
  delete: <T = Loose>(path: string, body?: unknown, init?: { raw?: string; headers?: Record<string, string> }) =>
    request<T>("DELETE", path, body, init),
};
