import "server-only";
import http from "node:http";
import https from "node:https";
import type { Adapter, AdapterEnv } from "../adapter";
import { catalogEntry } from "../catalog";
import { BadInput, NotFound, OutOfCredits, RateLimited, Transient, Unauthorized } from "../errors";
import { retryAfterMs } from "../http-json";
import { agentFor, isBlockedAddress } from "../ssrf";
import type { CellValue } from "../types";
import { type HttpSpec, PLACEHOLDER, readPath, SECRET_REF } from "./http-spec";

// The HTTP provider: a column calls any JSON API the user describes (http-spec.ts). Requests
// go through node:http with the SSRF-filtering agents (fetch cannot take an agent), follow no
// redirects (a redirect could lead to a private address), and read at most 1 MiB. Statuses map
// like the vendors': 404 and a missing value are not found, 429 waits Retry-After, 401/403 are
// a refused key, 402 is out of credits, other 4xx bad input, 5xx and network errors transient.

const MAX_BODY = 1024 * 1024;

type RawAnswer = { status: number; headers: http.IncomingHttpHeaders; text: string };

function cellText(row: Record<string, unknown>, key: string): string {
  const value = Object.hasOwn(row, key) ? row[key] : undefined;
  return value === null || value === undefined ? "" : String(value);
}

// One pass over the template: secrets are put in as they are (a replacement string would read
// `$&`, `$'` and `$$` in one as patterns), and a cell's text is never searched for references.
const REFERENCE = new RegExp(`${SECRET_REF.source}|${PLACEHOLDER.source}`, "g");

async function fillHeaders(spec: HttpSpec, row: Record<string, unknown>, env: AdapterEnv) {
  const headers: Record<string, string> = {};
  for (const [name, template] of Object.entries(spec.headers)) {
    const secrets = new Map<string, string>();
    for (const match of template.matchAll(SECRET_REF)) {
      const secretName = match[1] as string;
      if (secrets.has(secretName)) continue;
      const secret = await env.secret(secretName);
      if (secret === undefined) throw Unauthorized(`The secret "${secretName}" is not configured`);
      secrets.set(secretName, secret);
    }
    const value = template.replace(REFERENCE, (_, secretName: string | undefined, key: string | undefined) =>
      secretName !== undefined ? (secrets.get(secretName) as string) : cellText(row, key as string),
    );
    if (/[\r\n]/.test(value)) throw BadInput(`The header ${name} would contain a line break`);
    headers[name] = value;
  }
  return headers;
}

function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined, env: AdapterEnv) {
  return new Promise<RawAnswer>((resolve, reject) => {
    const client = url.protocol === "https:" ? https : http;
    const req = client.request(
      url,
      {
        method,
        agent: agentFor(url, { allowPrivate: env.allowPrivateHttp }),
        headers: {
          accept: "application/json",
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          ...headers,
        },
        timeout: env.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY) {
            req.destroy(new Error("the answer is larger than 1 MiB"));
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () =>
      req.destroy(Object.assign(new Error(`no answer within ${env.timeoutMs} ms`), { name: "TimeoutError" })),
    );
    req.on("error", reject);
    req.end(body);
  });
}

function toCellValue(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  return JSON.stringify(value);
}

function confidenceOf(spec: HttpSpec, data: unknown): { confidence: number; raw: unknown } {
  if (!spec.confidencePath) return { confidence: spec.confidence, raw: null };
  const raw = readPath(data, spec.confidencePath);
  const number = typeof raw === "number" ? raw : Number(raw);
  if (!Number.isFinite(number)) return { confidence: spec.confidence, raw: raw ?? null };
  return { confidence: Math.min(1, Math.max(0, number > 1 ? number / 100 : number)), raw };
}

export const httpProvider: Adapter = {
  ...catalogEntry("http"),

  async call(request, env) {
    const spec = request.http;
    if (!spec) throw BadInput("The column's recipe has no HTTP request");
    const row = request.row;
    let url: URL;
    try {
      url = new URL(spec.url.replace(PLACEHOLDER, (_, key: string) => encodeURIComponent(cellText(row, key))));
    } catch {
      throw BadInput("The URL template does not give a valid URL for this row");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw BadInput("Only http and https URLs can be called");
    const headers = await fillHeaders(spec, row, env);
    const body =
      spec.method === "POST" && spec.body !== undefined
        ? spec.body.replace(PLACEHOLDER, (_, key: string) => JSON.stringify(cellText(row, key)).slice(1, -1))
        : undefined;
    let answer: RawAnswer;
    try {
      answer = await send(url, spec.method, headers, body, env);
    } catch (error) {
      if (isBlockedAddress(error)) throw BadInput(`${url.host} is a private, loopback or link-local address (refused)`);
      const e = error as { name?: string; code?: string; message?: string };
      if (e.name === "TimeoutError") throw Transient(`${url.host} did not answer within ${env.timeoutMs} ms`);
      throw Transient(`${url.host} could not be reached${e.code ? ` (${e.code})` : ""}`);
    }
    const status = answer.status;
    const at = { httpStatus: status };
    let data: unknown;
    try {
      data = answer.text === "" ? undefined : JSON.parse(answer.text);
    } catch {
      data = undefined;
    }
    if (status === 404) throw NotFound(`${url.host} answered 404`, at);
    if (status === 429) {
      const wait = retryAfterMs(String(answer.headers["retry-after"] ?? "") || null);
      throw RateLimited(wait ?? 1000, `${url.host} rate limit (429)`, at);
    }
    if (status === 401 || status === 403) throw Unauthorized(`${url.host} refused the credentials (${status})`, at);
    if (status === 402) throw OutOfCredits(`${url.host} asks for payment (402)`, at);
    if (status >= 500) throw Transient(`${url.host} had an error (${status})`, at);
    if (status < 200 || status >= 300) throw BadInput(`${url.host} answered ${status}`, at);
    if (data === undefined) throw BadInput(`${url.host} did not answer JSON`, at);
    const value = toCellValue(readPath(data, spec.valuePath));
    if (value === null || value === "") throw NotFound(`No value at ${spec.valuePath}`, { ...at, payload: data });
    const { confidence, raw } = confidenceOf(spec, data);
    return {
      value,
      confidence,
      rawConfidence: raw,
      source: `HTTP ${url.host}`,
      cost: { credits: 1, usd: 0 },
      httpStatus: status,
      evidence: { url: `${url.origin}${url.pathname}` },
      payload: data,
    };
  },
};
