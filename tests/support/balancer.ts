import http from "node:http";
import type { AddressInfo } from "node:net";

// A small round-robin HTTP load balancer over real sockets, standing in for the one that
// sits in front of several workers in production (the orchestrator knows one URL). It does
// what an nginx `upstream` block does by default, no more:
//  - each request goes to the next upstream in turn; the Host header is passed through, so
//    an SDK behind it registers the balancer's URL, not its own;
//  - an upstream that refuses the connection is marked down for DOWN_MS and the request is
//    sent to the next one (nothing reached the refused one, so this is safe for a POST);
//  - an upstream that fails after the request was sent (reset, died mid-step) is NOT tried
//    again here: the client gets a 502 and decides (Inngest retries the step);
// and it counts, per upstream, the requests it forwarded and their answers.

const DOWN_MS = 2_000;
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection"]);

export type UpstreamStats = {
  url: string;
  /** Requests forwarded to this upstream (refused connections not included). */
  requests: number;
  /** Of those, POSTs: the orchestrator's function and step calls. */
  calls: number;
  /** Answers by status code (502 = failed after the request was sent). */
  statuses: Record<number, number>;
  /** Connections refused (the upstream was down). */
  refused: number;
};

export type Balancer = {
  url: string;
  stats: UpstreamStats[];
  close: () => Promise<void>;
};

type Answer = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

export async function startBalancer(upstreams: string[]): Promise<Balancer> {
  const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 64 });
  const stats: UpstreamStats[] = upstreams.map((url) => ({ url, requests: 0, calls: 0, statuses: {}, refused: 0 }));
  const downUntil = upstreams.map(() => 0);
  let next = 0;

  function forward(index: number, req: http.IncomingMessage, body: Buffer): Promise<Answer> {
    const target = new URL(upstreams[index]);
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
    }
    headers["content-length"] = String(body.length);
    headers["x-forwarded-for"] = req.socket.remoteAddress ?? "";
    return new Promise((resolve, reject) => {
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on("error", reject);
        },
      );
      upstream.on("error", reject);
      upstream.end(body);
    });
  }

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    let answer: Answer | undefined;
    // Each upstream at most once per request, starting from the next in turn (skipping those marked down).
    for (let tried = 0; tried < upstreams.length && !answer; tried++) {
      const index = next;
      next = (next + 1) % upstreams.length;
      if (downUntil[index] > Date.now() && tried < upstreams.length - 1) continue;
      const s = stats[index];
      try {
        answer = await forward(index, req, body);
        s.requests++;
        if (req.method === "POST") s.calls++;
        s.statuses[answer.status] = (s.statuses[answer.status] ?? 0) + 1;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ECONNREFUSED") {
          s.refused++;
          downUntil[index] = Date.now() + DOWN_MS;
          continue;
        }
        s.requests++;
        if (req.method === "POST") s.calls++;
        s.statuses[502] = (s.statuses[502] ?? 0) + 1;
        answer = {
          status: 502,
          headers: { "content-type": "text/plain" },
          body: Buffer.from(`upstream ${s.url} failed: ${(error as Error).message}`),
        };
      }
    }
    answer ??= { status: 502, headers: { "content-type": "text/plain" }, body: Buffer.from("no upstream answered") };
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
    }
    headers["content-length"] = String(answer.body.length);
    res.writeHead(answer.status, headers);
    res.end(answer.body);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
