import http from "node:http";
import { eventJson, runDetailJson, runJson } from "./api";
import { checkpoint } from "./checkpoint";
import type { DbHealth } from "./db-health";
import { BadEvent, type EventIngest } from "./events";
import type { Executor } from "./executor";
import { type Ctx, HttpError, html, json, limitParam, type Route, readBody, readJson, redirect } from "./http-util";
import { Header } from "./protocol";
import type { Queries } from "./queries";
import type { AppSync } from "./sync";
import { renderIndex, renderNotFound, renderRun } from "./ui";
import { uiActions } from "./ui-actions";

export interface Parts {
  ingest: EventIngest;
  sync: AppSync;
  executor: Executor;
  queries: Queries;
  health: Pick<DbHealth, "report" | "available">;
  log: (line: string) => void;
}

export function statsLine(p: Parts): string {
  const s = p.executor.stats();
  const throttled = s.throttled > 0 ? ` · ${s.throttled} waiting for their throttle` : "";
  return `${s.activeRuns} active run(s) · ${s.inFlight} request(s) in flight · ${s.queued} queued${throttled}`;
}

/** Everything the server answers: the SDK-facing protocol, the REST API and the UI. */
function routes(p: Parts): Route[] {
  return [
    [
      "POST",
      /^\/e\/([^/]+)$/,
      async ({ req, res }) => {
        try {
          const header = req.headers[Header.EventIdSeed];
          const ids = await p.ingest.ingest(await readJson(req), Array.isArray(header) ? header[0] : header);
          json(res, 200, { ids, status: 200 });
        } catch (err) {
          if (!(err instanceof BadEvent)) throw err;
          json(res, 400, { ids: [], status: 400, error: err.message });
        }
      },
    ],
    [
      "POST",
      /^\/fn\/register$/,
      async ({ req, res }) => {
        const body = await readJson(req);
        try {
          json(res, 200, await p.sync.register(body));
        } catch (err) {
          if (p.health.report(err)) throw err;
          json(res, 400, { status: 400, error: (err as Error).message });
        }
      },
    ],
    [
      "POST",
      /^\/v1\/checkpoint\/([^/]+)\/async$/,
      async ({ req, res, params }) => {
        const status = await checkpoint(p.executor, params[0], await readJson(req));
        if (status === 200) json(res, 200, {});
        else if (status === 503) json(res, 503, { error: "database unavailable; results kept, run paused" });
        else json(res, status, { error: "stale dispatch: run finished or request superseded" });
      },
    ],
    [
      "GET",
      /^\/health$/,
      ({ res }) => {
        const database = p.health.available ? "ok" : "unavailable";
        json(res, p.health.available ? 200 : 503, {
          status: database === "ok" ? "ok" : "degraded",
          database,
          ...p.executor.stats(),
        });
      },
    ],
    [
      "GET",
      /^\/v1\/runs$/,
      async ({ res, url }) => {
        const runs = await p.queries.listRuns({
          limit: limitParam(url, 50),
          status: url.searchParams.get("status") ?? undefined,
          functionId: url.searchParams.get("function_id") ?? undefined,
        });
        json(res, 200, { data: runs.map(runJson) });
      },
    ],
    [
      "GET",
      /^\/v1\/runs\/([^/]+)$/,
      async ({ res, params }) => {
        const run = await p.queries.getRun(params[0]);
        if (run) json(res, 200, { data: runDetailJson(run) });
        else json(res, 404, { error: "run not found" });
      },
    ],
    [
      "DELETE",
      /^\/v1\/runs\/([^/]+)$/,
      async ({ res, params }) => {
        if (await p.executor.cancel(params[0])) json(res, 200, { data: { run_id: params[0], status: "Cancelled" } });
        else json(res, 404, { error: "run not found or already finished" });
      },
    ],
    [
      "GET",
      /^\/v1\/events\/([^/]+)\/runs$/,
      async ({ res, params }) => json(res, 200, { data: (await p.queries.runsForEvent(params[0])).map(runJson) }),
    ],
    [
      "GET",
      /^\/v1\/events$/,
      async ({ res, url }) =>
        json(res, 200, { data: (await p.queries.listEvents(limitParam(url, 50))).map(eventJson) }),
    ],
    [
      "GET",
      /^\/v1\/events\/([^/]+)$/,
      async ({ res, params }) => {
        const event = await p.queries.getEvent(params[0]);
        if (event) json(res, 200, { data: eventJson(event) });
        else json(res, 404, { error: "event not found" });
      },
    ],
    ["GET", /^\/v1\/apps$/, async ({ res }) => json(res, 200, { data: await p.queries.listApps() })],
    ["POST", /^\/v1\/apps\/sync$/, (c) => resync(p, c, false)],
    ["POST", /^\/apps\/sync$/, (c) => resync(p, c, true)],
    ...uiActions(p),
    [
      "GET",
      /^\/$/,
      async ({ res, url }) => {
        const status = url.searchParams.get("status") || undefined;
        const eventId = url.searchParams.get("event") || undefined;
        const [runs, apps, counts] = await Promise.all([
          eventId ? p.queries.runsForEvent(eventId) : p.queries.listRuns({ limit: limitParam(url, 100), status }),
          p.queries.listApps(),
          p.queries.statusCounts(),
        ]);
        const refresh = url.searchParams.get("refresh") !== "0";
        html(res, 200, renderIndex({ runs, apps, counts, status, eventId, refresh, stats: statsLine(p) }));
      },
    ],
    [
      "GET",
      /^\/runs\/([^/]+)$/,
      async ({ res, params }) => {
        const run = await p.queries.getRun(params[0]);
        const stats = statsLine(p);
        if (run) html(res, 200, renderRun(run, stats));
        else html(res, 404, renderNotFound(`Run ${params[0]}`, stats));
      },
    ],
  ];
}

/** Re-sync one app (`url` in the query, form or JSON body) or, without one, every known app. */
async function resync(p: Parts, { req, res, url }: Ctx, fromUi: boolean): Promise<void> {
  const text = await readBody(req);
  let target = url.searchParams.get("url") ?? new URLSearchParams(text).get("url");
  if (!target && text.trim().startsWith("{")) target = JSON.parse(text).url;
  const targets = target ? [target] : (await p.queries.listApps()).map((a) => a.url);
  const results = await Promise.all(
    targets.map((t) =>
      p.sync.syncApp(t).then(
        () => ({ url: t, ok: true, error: undefined as string | undefined }),
        (err: Error) => ({ url: t, ok: false, error: err.message }),
      ),
    ),
  );
  for (const r of results) if (!r.ok) p.log(`resync failed: ${r.error}`);
  if (fromUi) redirect(res, "/");
  else json(res, results.every((r) => r.ok) ? 200 : 502, { data: results });
}

export function createHttpServer(p: Parts): http.Server {
  const table = routes(p);
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://dev-server");
    const path = url.pathname.replace(/\/+$/, "") || "/";
    for (const [method, pattern, fn] of table) {
      if (method !== req.method) continue;
      const m = pattern.exec(path);
      if (m) return fn({ req, res, url, params: m.slice(1).map(decodeURIComponent) });
    }
    throw new HttpError(404, `no route for ${req.method} ${path}`);
  };

  return http.createServer((req, res) => {
    Promise.resolve()
      .then(() => handle(req, res))
      .catch((err) => {
        if (p.health.report(err)) {
          // A plain answer, not a stack: the database is away and the server is waiting for it.
          if (!res.headersSent) json(res, 503, { ids: [], status: 503, error: "database unavailable; retry shortly" });
          else res.destroy();
          return;
        }
        const status = err instanceof HttpError ? err.status : 500;
        if (status === 500) p.log(`error handling ${req.method} ${req.url}: ${(err as Error).stack ?? err}`);
        if (!res.headersSent) json(res, status, { status, error: (err as Error).message });
        else res.destroy();
      });
  });
}
