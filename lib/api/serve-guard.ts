import "server-only";
import { AppError } from "../errors";
import { toErrorResponse } from "./respond";

// The SDK's handlers are typed for NextRequest but read only what a Request has.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Handler = (request: any, context: any) => Promise<Response>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Puts the one error shape in front of the Inngest serve endpoint. A call from an Inngest
 * server is a POST naming one of our functions with a JSON object that carries `ctx`;
 * anything else is refused with a 400 here instead of reaching the SDK, which answers junk
 * with a 500 and its stack trace. Whatever the SDK throws becomes a 500 without one.
 * Signatures are still checked by the SDK (production) on every request that gets through.
 */
export function guardServe(handlers: { GET: Handler; POST: Handler; PUT: Handler }, functionIds: string[]) {
  const known = new Set(functionIds);
  const wrap =
    (handler: Handler, check?: (request: Request, body: string) => void) =>
    async (request: Request, context: unknown): Promise<Response> => {
      try {
        if (!check) return await handler(request, context);
        const body = await request.text();
        check(request, body);
        const forwarded = new Request(request.url, { method: request.method, headers: request.headers, body });
        return await handler(forwarded, context);
      } catch (error) {
        return toErrorResponse(error);
      }
    };
  const checkCall = (request: Request, body: string) => {
    const fnId = new URL(request.url).searchParams.get("fnId");
    if (!fnId || !known.has(fnId)) {
      throw new AppError("bad_request", "Not an Inngest call: fnId must name one of this app's functions");
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new AppError("invalid_json", "Not an Inngest call: the body is not JSON");
    }
    if (!isObject(parsed) || !isObject(parsed.ctx)) {
      throw new AppError("bad_request", "Not an Inngest call: the body must be an object with ctx");
    }
  };
  const checkSync = (_request: Request, body: string) => {
    if (body.trim() === "") return;
    try {
      JSON.parse(body);
    } catch {
      throw new AppError("invalid_json", "Not an Inngest sync: the body is not JSON");
    }
  };
  return { GET: wrap(handlers.GET), PUT: wrap(handlers.PUT, checkSync), POST: wrap(handlers.POST, checkCall) };
}
