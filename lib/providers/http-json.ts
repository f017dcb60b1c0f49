import "server-only";
import { Transient } from "./errors";
import { checkSendDeadline } from "./send-deadline";

// The HTTP client of the vendor adapters (Hunter, PDL, Apollo): fetch with a deadline, the body
// read as text and parsed as JSON when it is JSON. Network failures and timeouts are transient.
// Messages never include the URL: Hunter's key travels in its query string.

export type HttpAnswer = { status: number; headers: Headers; body: unknown; text: string };

/** Largest body read from a provider; anything longer is cut (and then fails to parse). */
const MAX_BODY_CHARS = 1_000_000;

export async function requestJson({
  vendor,
  url,
  method = "GET",
  headers = {},
  body,
  timeoutMs,
}: {
  vendor: string;
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
}): Promise<HttpAnswer> {
  let response: Response;
  checkSendDeadline();
  try {
    response = await fetch(url, {
      method,
      headers: {
        accept: "application/json",
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "error",
    });
  } catch (error) {
    throw Transient(networkMessage(vendor, error, timeoutMs));
  }
  let text: string;
  try {
    text = (await response.text()).slice(0, MAX_BODY_CHARS);
  } catch (error) {
    throw Transient(networkMessage(vendor, error, timeoutMs), { httpStatus: response.status });
  }
  return { status: response.status, headers: response.headers, body: parseJson(text), text };
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function networkMessage(vendor: string, error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; cause?: { code?: string } };
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return `${vendor} did not answer within ${timeoutMs} ms`;
  const code = e?.cause?.code;
  return `${vendor} could not be reached${code ? ` (${code})` : ""}`;
}

/** Retry-After as milliseconds: delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A readable message from a provider's error body (JSON of any common shape, or text). */
export function errorDetail(answer: HttpAnswer): string {
  const body = answer.body as Record<string, unknown> | undefined;
  const pick = (value: unknown): string | undefined => (typeof value === "string" && value ? value : undefined);
  const errors = Array.isArray(body?.errors) ? (body?.errors[0] as Record<string, unknown> | undefined) : undefined;
  const error = body?.error;
  const detail =
    pick(errors?.details) ??
    pick(errors?.message) ??
    pick(error) ??
    pick((error as Record<string, unknown> | undefined)?.message) ??
    pick(body?.message) ??
    pick(body?.error_message) ??
    (answer.body === undefined ? answer.text.trim() : undefined);
  return (detail ?? `HTTP ${answer.status}`).slice(0, 300);
}
