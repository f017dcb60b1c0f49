import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { findRoute } from "./api";

// Serves the app's real route handlers over node:http, the way `next start` does for them: a
// Request whose signal aborts when the client goes away, and the Response body streamed with
// backpressure (a slow reader makes the handler's stream queue up). For tests that need real
// connections: event streams, EventSource clients, several app processes on one database.

export type RouteServer = { url: string; close: () => Promise<void> };

export async function startRouteServer({ port = 0 }: { port?: number } = {}): Promise<RouteServer> {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
    const abort = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) abort.abort();
    });
    try {
      const found = await findRoute(req.method ?? "GET", url.pathname).catch(() => undefined);
      if (!found) {
        res.writeHead(404).end();
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === "string") headers.set(name, value);
      }
      const response = await found.handler(
        new Request(url, {
          method: req.method,
          headers,
          body: ["GET", "HEAD"].includes(req.method ?? "") ? undefined : Buffer.concat(chunks),
          signal: abort.signal,
        }),
        { params: Promise.resolve(found.params) },
      );
      res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
      res.flushHeaders();
      if (!response.body) return void res.end();
      await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream), res).catch(() => {});
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
