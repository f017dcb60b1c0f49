// The transport-neutral request/response the provider handlers work on, and the code that
// reads one from node:http and writes one back. Handlers stay pure functions of a
// ReplicaRequest, which keeps them testable and lets one server host all providers.
import type { IncomingMessage, ServerResponse } from "node:http";

export interface ReplicaRequest {
  method: string;
  /** Path below the provider's base URL, e.g. `/v2/email-finder`. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names, as node:http gives them. */
  headers: Record<string, string | undefined>;
  /** The raw body text ("" when there is none). */
  body: string;
}

export interface ReplicaResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialized as JSON unless `text` or `rawJson` is set. */
  json?: unknown;
  /** A plain-text body (Apollo's 401 is text/plain). */
  text?: string;
  /** JSON text written as is: Apollo's `request_id` is a 64-bit integer JSON.stringify cannot emit. */
  rawJson?: string;
}

/** Bodies above this are refused: no documented request comes close. */
const MAX_BODY_BYTES = 1 << 20;

export async function readRequest(req: IncomingMessage, path: string, query: URLSearchParams): Promise<ReplicaRequest> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  const headers: Record<string, string | undefined> = Object.create(null);
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return { method: req.method ?? "GET", path, query, headers, body: Buffer.concat(chunks).toString("utf8") };
}

export function writeResponse(res: ServerResponse, response: ReplicaResponse): void {
  let body = "";
  let type = "application/json; charset=utf-8";
  if (response.text !== undefined) {
    body = response.text;
    type = "text/plain; charset=utf-8";
  } else if (response.rawJson !== undefined) {
    body = response.rawJson;
  } else if (response.json !== undefined) {
    body = JSON.stringify(response.json);
  }
  res.writeHead(response.status, {
    "content-type": type,
    "content-length": Buffer.byteLength(body),
    ...response.headers,
  });
  res.end(body);
}

export function json(status: number, body: unknown, headers?: Record<string, string>): ReplicaResponse {
  return { status, json: body, headers };
}

/** Parses a JSON object body; undefined for an empty body, null when the text is not a JSON object. */
export function parseJsonObject(body: string): Record<string, unknown> | null | undefined {
  if (body.trim() === "") return undefined;
  try {
    const value: unknown = JSON.parse(body);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** The key of `Authorization: Bearer <key>`, if that is the scheme used. */
export function bearerToken(headers: Record<string, string | undefined>): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? "");
  return match?.[1];
}
