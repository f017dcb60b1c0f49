import "server-only";
import type { z } from "zod";
import { AppError } from "../errors";
import { unknownKeyDetail, zodDetails } from "./respond";

/** Default cap for JSON bodies; bulk endpoints pass a larger one. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** Reads the raw body, refusing more than `limit` bytes (413) before or while it arrives. */
export async function readBodyBytes(request: Request, limit: number, what = "The request body"): Promise<Buffer> {
  const tooLarge = () => new AppError("payload_too_large", `${what} is larger than ${limit} bytes`, { limit });
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

// Bytes that are not UTF-8 are refused, not replaced by U+FFFD and stored so.
const utf8 = new TextDecoder("utf-8", { fatal: true });

async function readLimited(request: Request, limit: number): Promise<string> {
  const bytes = await readBodyBytes(request, limit);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new AppError("invalid_json", "The request body is not valid UTF-8");
  }
}

/** application/json or a +json type, with any parameters (charset…). */
function isJson(contentType: string | null) {
  const type = contentType?.split(";")[0].trim().toLowerCase() ?? "";
  return type === "application/json" || /^application\/[\w.+-]+\+json$/.test(type);
}

/**
 * Reads a JSON body (415 unless sent as application/json, 400 when malformed, 413 when over
 * `limit`) and validates it (422). Requiring the JSON media type keeps plain HTML forms and
 * no-cors fetches of other sites, which can only send text/plain or form types, out.
 */
export async function parseJsonBody<S extends z.ZodType>(
  request: Request,
  schema: S,
  options: { limit?: number } = {},
): Promise<z.output<S>> {
  if (!isJson(request.headers.get("content-type"))) {
    const given = request.headers.get("content-type");
    throw new AppError(
      "unsupported_media_type",
      given ? `Send the body as application/json, not ${given}` : "Send the body as application/json",
    );
  }
  const text = await readLimited(request, options.limit ?? DEFAULT_BODY_LIMIT);
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch (error) {
    throw new AppError("invalid_json", `The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (json === undefined) throw new AppError("invalid_json", "The request body is empty; a JSON object was expected");
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new AppError("validation_failed", "The request body is invalid", zodDetails(parsed.error));
  return parsed.data;
}

/**
 * Validates query parameters (422 with the offending fields). Every parameter takes one value:
 * one given twice is refused rather than one of its values silently chosen.
 */
/** Requests whose query parameters a route validated (route() refuses a GET whose were not). */
const queriesRead = new WeakSet<Request>();

/** Whether the route validated the request's query parameters with parseQuery. */
export const queryWasRead = (request: Request) => queriesRead.has(request);

export function parseQuery<S extends z.ZodType>(request: Request, schema: S): z.output<S> {
  queriesRead.add(request);
  const search = new URL(request.url).searchParams;
  const repeated = [...new Set(search.keys())]
    .map((key) => ({ key, times: search.getAll(key).length }))
    .filter(({ times }) => times > 1);
  if (repeated.length > 0) {
    throw new AppError(
      "validation_failed",
      "The query parameters are invalid",
      repeated.map(({ key, times }) => ({ path: key, message: `Given ${times} times; give it once` })),
    );
  }
  const params = Object.fromEntries(search);
  const parsed = schema.safeParse(params);
  if (!parsed.success)
    throw new AppError("validation_failed", "The query parameters are invalid", zodDetails(parsed.error));
  return parsed.data;
}

/** A body a route that takes none may still be sent: nothing, or an empty JSON object. */
const NO_BODY_LIMIT = 64 * 1024;

/**
 * For routes that take no body (cancel, retry, accept, a DELETE…): a body is refused before
 * the route acts, as every route refuses what it does not take: 415 unless it is JSON, 422
 * naming its keys unless it is empty or `{}` (what many clients send with a POST).
 */
export async function refuseBody(request: Request): Promise<void> {
  const bytes = await readBodyBytes(request, NO_BODY_LIMIT);
  const text = bytes.toString("utf8").trim();
  if (text === "") return;
  if (!isJson(request.headers.get("content-type"))) {
    const given = request.headers.get("content-type");
    throw new AppError(
      "unsupported_media_type",
      given
        ? `This endpoint takes no body; send none (or {} as application/json), not ${given}`
        : "This endpoint takes no body",
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AppError("invalid_json", `The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (json !== null && typeof json === "object" && !Array.isArray(json)) {
    const keys = Object.keys(json);
    if (keys.length === 0) return;
    throw new AppError(
      "validation_failed",
      "This endpoint takes no body",
      keys.map((key) => unknownKeyDetail(key)),
    );
  }
  throw new AppError("validation_failed", "This endpoint takes no body", [
    { path: "(root)", message: "Send no body, or {}" },
  ]);
}

/**
 * For writes that take no query parameters: any given is refused before the route acts (a GET
 * is checked after it, as it writes nothing: route()).
 */
export function refuseQuery(request: Request): void {
  const given = [...new Set(new URL(request.url).searchParams.keys())];
  if (given.length === 0) return;
  throw new AppError(
    "validation_failed",
    "The query parameters are invalid",
    given.map((key) => unknownKeyDetail(key)),
  );
}
