import { createHmac } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { type AppResponse, Header } from "./protocol";

/** Thrown when the app cannot be reached at all (not listening yet, restarting). */
export class AppUnreachable extends Error {}

const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/** RFC 8785 canonical JSON, which is what the SDK verifies signatures over. */
export function canonicalize(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((v) => canonicalize(v ?? null)).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    if (obj[key] === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${canonicalize(obj[key])}`);
  }
  return `{${parts.join(",")}}`;
}

/**
 * `t=<unix seconds>&s=<hex HMAC-SHA256(canonical body + t)>`, keyed with the signing key
 * minus its `signkey-<env>-` prefix (helpers/net.js `signDataWithKey` in the SDK). The
 * SDK parses JSON bodies before verifying, so JSON is signed in canonical form; an
 * empty body (a sync PUT) is signed as the empty string.
 */
export function signBody(body: string, signingKey: string, now = Date.now()): string {
  const ts = Math.round(now / 1000).toString();
  const key = signingKey.replace(/^signkey-[\w]+-/, "");
  const encoded = body === "" ? "" : canonicalize(JSON.parse(body));
  const sig = createHmac("sha256", key).update(encoded).update(ts).digest("hex");
  return `t=${ts}&s=${sig}`;
}

export interface AppClientOptions {
  signingKey?: string;
  /** Per-request timeout; a step that runs longer is treated as failed. */
  timeoutMs: number;
}

/**
 * HTTP to the apps: keep-alive sockets and uncompressed bodies, because every step is a
 * request and per-request setup and gzip were measurable costs (see the protocol notes).
 */
export class AppClient {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxFreeSockets: 64 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxFreeSockets: 64 });
  private readonly inflight = new Set<http.ClientRequest>();

  constructor(private readonly options: AppClientOptions) {}

  post(url: string, body: string): Promise<AppResponse> {
    return this.request("POST", url, body);
  }

  put(url: string): Promise<AppResponse> {
    return this.request("PUT", url, "");
  }

  /** Aborts every in-flight request and closes idle sockets. */
  destroy(): void {
    for (const req of this.inflight) req.destroy(new Error("dev server stopped"));
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private async request(method: string, rawUrl: string, body: string): Promise<AppResponse> {
    try {
      return await this.once(method, rawUrl, body);
    } catch (err) {
      // A kept-alive socket the app closed while idle: the request never reached it.
      if ((err as { staleSocket?: boolean }).staleSocket) return this.once(method, rawUrl, body);
      throw err;
    }
  }

  private once(method: string, rawUrl: string, body: string): Promise<AppResponse> {
    const url = new URL(rawUrl);
    const isHttps = url.protocol === "https:";
    const headers: http.OutgoingHttpHeaders = {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      "accept-encoding": "identity",
      "user-agent": "glaze-inngest-dev-server",
      [Header.ServerKind]: this.options.signingKey ? "cloud" : "dev",
    };
    if (this.options.signingKey) headers[Header.Signature] = signBody(body, this.options.signingKey);
    return new Promise((resolve, reject) => {
      const req = (isHttps ? https : http).request(
        url,
        { method, headers, agent: isHttps ? this.httpsAgent : this.httpAgent, timeout: this.options.timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            this.inflight.delete(req);
            const text = Buffer.concat(chunks).toString("utf8");
            resolve(unwrapStream({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
          });
        },
      );
      this.inflight.add(req);
      req.on("timeout", () => req.destroy(new Error(`request timed out after ${this.options.timeoutMs} ms`)));
      req.on("error", (err: NodeJS.ErrnoException) => {
        this.inflight.delete(req);
        if (req.reusedSocket && err.code === "ECONNRESET") Object.assign(err, { staleSocket: true });
        reject(err.code && UNREACHABLE_CODES.has(err.code) ? new AppUnreachable(`${url.origin}: ${err.code}`) : err);
      });
      req.end(body);
    });
  }
}

/**
 * With INNGEST_STREAMING the SDK answers 201 at once, sends whitespace heartbeats and
 * finally a JSON `{ status, headers, body }` of the real response.
 */
function unwrapStream(res: AppResponse): AppResponse {
  if (res.status !== 201) return res;
  try {
    const inner = JSON.parse(res.body.trim());
    if (inner && typeof inner.status === "number") {
      const headers: AppResponse["headers"] = {};
      for (const [k, v] of Object.entries(inner.headers ?? {})) headers[k.toLowerCase()] = String(v);
      return { status: inner.status, headers, body: typeof inner.body === "string" ? inner.body : "" };
    }
  } catch {
    // Not a streamed envelope; let the caller treat 201 as unexpected.
  }
  return res;
}
