import http from "node:http";
import { serve } from "inngest/node";
import { inngest } from "./client";
import { functions } from "./functions";

// The worker: the same Inngest functions as /api/inngest, served by the SDK's own node:http
// adapter in a process of their own, so steps never compete with API requests for the web
// tier's CPU. Inngest (Cloud, self-hosted, or the built-in dev server) is pointed at
// `<worker>/api/inngest` instead of the app's. Signatures are checked by the SDK exactly as
// in the app (INNGEST_SIGNING_KEY in production).

export const WORKER_SERVE_PATH = "/api/inngest";

function json(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/**
 * Node loads its fetch (undici) on the first call. Loaded inside the first provider call of a
 * job, it held that request back ~100 ms past its rate-limit slot, next to the following
 * slot's request (the costs bench's one 429 in 1,000 calls); loaded at start, it costs nothing
 * there. The aborted request connects nowhere.
 */
function loadFetch() {
  fetch("http://127.0.0.1:9/", { signal: AbortSignal.abort() }).catch(() => undefined);
}

/** An http.Server answering the Inngest protocol at /api/inngest and `GET /health`. */
export function createWorkerServer(): http.Server {
  loadFetch();
  const handleInngest = serve({ client: inngest, functions, servePath: WORKER_SERVE_PATH });
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://worker").pathname;
    if (path === WORKER_SERVE_PATH) return handleInngest(req, res);
    if (path === "/health" && (req.method === "GET" || req.method === "HEAD")) {
      return json(res, 200, { status: "ok", functions: functions.length });
    }
    json(res, 404, {
      error: { code: "not_found", message: `Nothing at ${path}: the worker serves ${WORKER_SERVE_PATH}` },
    });
  });
  // Step requests of the orchestrator reuse their connections.
  server.keepAliveTimeout = 30_000;
  return server;
}
