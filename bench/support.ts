// Shared helpers for the benchmarks: a tiny JSON client for the running app, percentiles,
// and table builders that go through the public API.

export function percentile(sorted: number[], p: number) {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function summarize(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? 0,
  };
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The API of a running app, called with an API key of its demo account. */
export function client(baseUrl: string, apiKey: string) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const send = () =>
      fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    // A kept-alive connection the server closed as it was reused fails before any answer: a
    // GET is sent again once (a write is not: it may have been received).
    const response = await send().catch((error: unknown) => {
      if (method !== "GET") throw error;
      return send();
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
  return {
    get: <T>(path: string) => call<T>("GET", path),
    post: <T>(path: string, body?: unknown) => call<T>("POST", path, body),
    patch: <T>(path: string, body?: unknown) => call<T>("PATCH", path, body),
    put: <T>(path: string, body?: unknown) => call<T>("PUT", path, body),
    delete: <T>(path: string) => call<T>("DELETE", path),
  };
}

export type Api = ReturnType<typeof client>;

type TableDto = { id: string; columns: { id: string; key: string }[] };

/** Creates a table with `keys` as columns and `rows` rows (10,000 per request), via the API. */
export async function createTable(api: Api, name: string, keys: string[], rows: number) {
  const table = await api.post<TableDto>("/api/tables", {
    name,
    columns: [{ key: "name", label: "Name" }, ...keys.map((key) => ({ key, label: key }))],
  });
  for (let offset = 0; offset < rows; offset += 10_000) {
    const count = Math.min(10_000, rows - offset);
    await api.post(`/api/tables/${table.id}/rows`, {
      rows: Array.from({ length: count }, (_, i) => ({ data: { name: `Lead ${offset + i + 1}` } })),
    });
  }
  const columnIds = table.columns.filter((c) => c.key !== "name").map((c) => c.id);
  return { tableId: table.id, columnIds };
}

export type JobDto = {
  jobId: string;
  status: string;
  totalTasks: number;
  doneTasks: number;
  failedTasks: number;
  progress: number;
};

export async function waitForJob(
  api: Api,
  tableId: string,
  jobId: string,
  timeoutMs: number,
  onTick?: (job: JobDto) => void,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await api.get<JobDto>(`/api/tables/${tableId}/enrich/jobs/${jobId}`);
    onTick?.(job);
    if (["completed", "failed", "cancelled"].includes(job.status)) return job;
    if (Date.now() > deadline)
      throw new Error(`job ${jobId} still ${job.status} (${job.progress}%) after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Signs in through the app's own endpoint; the session cookies, for a browser context. */
export async function signInCookies(baseUrl: string, { email, password }: { email: string; password: string }) {
  const response = await fetch(`${baseUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  const url = new URL(baseUrl);
  return response.headers.getSetCookie().map((header) => {
    const [pair] = header.split(";");
    const index = pair.indexOf("=");
    return { name: pair.slice(0, index), value: pair.slice(index + 1), domain: url.hostname, path: "/" };
  });
}
