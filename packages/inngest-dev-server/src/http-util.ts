import type http from "node:http";

// Request and response helpers shared by the route tables (http.ts, ui-actions.ts).

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY = 16 * 1024 * 1024;

export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new HttpError(413, "body too large"));
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    // A client that hung up (ECONNRESET): a 400, not a socket error that could be taken
    // for the database going away (see db-health.ts).
    req.on("error", (err) => reject(new HttpError(400, `request aborted: ${err.message}`)));
  });
}

export async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "body is not valid JSON");
  }
}

export function send(res: http.ServerResponse, status: number, body: string, type: string): void {
  res.writeHead(status, {
    "content-type": type,
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
    // Only a database outage answers 503; the SDK retries event sends.
    ...(status === 503 ? { "retry-after": "1" } : {}),
  });
  res.end(body);
}

export const json = (res: http.ServerResponse, status: number, value: unknown) =>
  send(res, status, JSON.stringify(value), "application/json");
export const html = (res: http.ServerResponse, status: number, body: string) =>
  send(res, status, body, "text/html; charset=utf-8");

export function redirect(res: http.ServerResponse, location: string): void {
  res.writeHead(303, { location });
  res.end();
}

export function limitParam(url: URL, fallback: number): number {
  const n = Number(url.searchParams.get("limit") ?? fallback);
  return Number.isFinite(n) ? Math.min(Math.max(1, Math.floor(n)), 1000) : fallback;
}

export interface Ctx {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  /** Captured path segments. */
  params: string[];
}

export type Route = [method: string, path: RegExp, handle: (c: Ctx) => Promise<void> | void];
