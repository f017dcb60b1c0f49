import { BadEvent } from "./events";
import { type Parts, statsLine } from "./http";
import { html, json, type Route, readBody, redirect } from "./http-util";
import { renderMessage } from "./ui";

// What the debugging UI (and the JSON API) can do to runs, as in the real dev server:
// cancel an unfinished run, rerun a finished one, send an event.

const runPage = (id: string) => `/runs/${encodeURIComponent(id)}`;

export function uiActions(p: Parts): Route[] {
  return [
    [
      "POST",
      /^\/runs\/([^/]+)\/cancel$/,
      async ({ res, params }) => {
        await p.executor.cancel(params[0]);
        redirect(res, runPage(params[0]));
      },
    ],
    [
      "POST",
      /^\/v1\/runs\/([^/]+)\/rerun$/,
      async ({ res, params }) => {
        const result = await p.executor.rerun(params[0]);
        if ("runId" in result) json(res, 200, { data: { run_id: result.runId, rerun_of: params[0] } });
        else json(res, result.status, { error: result.error });
      },
    ],
    [
      "POST",
      /^\/runs\/([^/]+)\/rerun$/,
      async ({ res, params }) => {
        const result = await p.executor.rerun(params[0]);
        if ("runId" in result) redirect(res, runPage(result.runId));
        else html(res, result.status, renderMessage("Cannot rerun", result.error, statsLine(p)));
      },
    ],
    [
      // The index page's "Send event" form: ingested like POST /e/:key.
      "POST",
      /^\/events$/,
      async ({ req, res }) => {
        const form = new URLSearchParams(await readBody(req));
        const name = (form.get("name") ?? "").trim();
        const raw = (form.get("data") ?? "").trim() || "{}";
        let data: unknown;
        try {
          data = JSON.parse(raw);
        } catch (err) {
          html(
            res,
            400,
            renderMessage("Event not sent", `data is not valid JSON: ${(err as Error).message}`, statsLine(p)),
          );
          return;
        }
        if (!data || typeof data !== "object" || Array.isArray(data)) {
          html(res, 400, renderMessage("Event not sent", "data must be a JSON object", statsLine(p)));
          return;
        }
        let ids: string[];
        try {
          ids = await p.ingest.ingest({ name, data });
        } catch (err) {
          if (!(err instanceof BadEvent)) throw err;
          html(res, 400, renderMessage("Event not sent", err.message, statsLine(p)));
          return;
        }
        const runs = await p.queries.runsForEvent(ids[0]);
        redirect(res, runs.length === 1 ? runPage(runs[0].id) : `/?event=${encodeURIComponent(ids[0])}`);
      },
    ],
  ];
}
