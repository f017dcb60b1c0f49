import "server-only";
import { AppError } from "../errors";
import { toErrorResponse } from "./respond";

// The SDK's handlers are typed for NextRequest but read only what a Request has.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Handler = (request: any, context: any) => Promise<Response>;

/** The SDK refuses an unsigned or forged request with a 401 of its own; say it our way. */
async function unsignedInOurShape(response: Response): Promise<Response> {
  if (response.status !== 401) return response;
  const text = await response.text();
  let message = "The request is not signed with this app's Inngest signing key";
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === "string") message = parsed.message;
  } catch {}
  return toErrorResponse(new AppError("unauthorized", message));
}

/** A sync the SDK could not deliver to the Inngest server: that server is unreachable. */
async function syncFailed(response: Response): Promise<Response> {
  const detail = await response.text();
  console.error(`[inngest] sync failed: ${detail.slice(0, 500)}`);
  return toErrorResponse(
    new AppError("bad_gateway", "Could not register this app's functions with the Inngest server; is it reachable?"),
  );
}

/**
 * Browsers mark what they send (`Origin` on a POST or PUT, `Sec-Fetch-Site`); an Inngest
 * server sends neither. Without a signing key (`npm run dev`) a page of any site could
 * otherwise run our functions with events of its choosing through a no-cors POST.
 */
function refuseBrowsers(request: Request) {
  const site = request.headers.get("sec-fetch-site");
  if (request.headers.has("origin") || (site !== null && site !== "none")) {
    throw new AppError("forbidden", "The Inngest endpoint answers the Inngest server only, not pages in a browser");
  }
}

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
        let forwarded = request;
        if (request.method !== "GET") refuseBrowsers(request);
        if (check) {
          const body = await request.text();
          check(request, body);
          forwarded = new Request(request.url, { method: request.method, headers: request.headers, body });
        }
        const response = await unsignedInOurShape(await handler(forwarded, context));
        if (request.method === "PUT" && response.status >= 500) return syncFailed(response);
        return response;
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
