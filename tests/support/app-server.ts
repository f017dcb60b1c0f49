import http from "node:http";
import type { AddressInfo } from "node:net";

// Serves the app's real Next.js route handlers for /api/inngest from node:http (Request in,
// Response out), so the dev server drives exactly the code `next start` runs. It also
// records how many requests each (function, table) pair had in flight at once, which is
// how the tests check concurrency limits from the outside.

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

export type AppServer = {
  url: string;
  maxInFlight: Map<string, number>;
  requests: { fnId: string; stepId: string; tableId?: string }[];
  close: () => Promise<void>;
};

export async function startAppServer(): Promise<AppServer> {
  const routes = (await import("@/app/api/inngest/route")) as unknown as Record<string, Handler>;
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  const requests: AppServer["requests"] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    const fnId = url.searchParams.get("fnId") ?? "";
    let key = "";
    if (req.method === "POST" && body.length > 0) {
      try {
        const tableId = JSON.parse(body.toString("utf8"))?.event?.data?.tableId as string | undefined;
        requests.push({ fnId, stepId: url.searchParams.get("stepId") ?? "", tableId });
        key = `${fnId}|${tableId ?? ""}`;
        inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
        maxInFlight.set(key, Math.max(maxInFlight.get(key) ?? 0, inFlight.get(key) ?? 0));
      } catch {}
    }
    try {
      const handler = routes[req.method ?? "GET"];
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === "string") headers.set(name, value);
      }
      const response = await handler(
        new Request(url, {
          method: req.method,
          headers,
          body: ["GET", "HEAD"].includes(req.method ?? "") ? undefined : body,
        }),
        { params: Promise.resolve({}) },
      );
      res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    } finally {
      if (key) inFlight.set(key, (inFlight.get(key) ?? 1) - 1);
    }
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/inngest`,
    maxInFlight,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
