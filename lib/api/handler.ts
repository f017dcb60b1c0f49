import "server-only";
import { z } from "zod";
import { type Access, requireAdmin, requirePermission } from "../auth/access";
import { authorize } from "../auth/context";
import type { Permission } from "../auth/permissions";
import { AppError } from "../errors";
import { queryWasRead, refuseBody, refuseQuery } from "./body";
import { checkHost, checkOrigin, checkSessionOrigin } from "./guard";
import { toErrorResponse } from "./respond";
import { withApiHeaders } from "./security-headers";

type RouteContext<P> = { params: Promise<P> };

const uuid = z.uuid();

/**
 * What a route needs from the request's credentials: a permission in the workspace it acts on
 * ("authenticated": any valid credentials, for routes that act in no workspace yet); `admin`:
 * an owner or admin of it, signed in; `session`: a signed-in person, not an API key.
 */
export type RouteOptions = {
  permission: Permission | "authenticated";
  admin?: true;
  session?: true;
  /** What the route does, for its 403 ("change this workspace's budget"); else the permission's words. */
  what?: string;
  /** A write that takes query parameters (it validates them with parseQuery); other writes refuse any. */
  query?: true;
  /** A write that takes no body (cancel, retry, a DELETE): one sent is refused before it acts. */
  body?: false;
};

/** Path params after route(): ids lower-cased, malformed ids already 404. */
function readParams<P>(raw: Record<string, string>): P {
  return Object.fromEntries(
    Object.entries(raw).map(([name, value]) => {
      if (!name.endsWith("Id")) return [name, value];
      if (!uuid.safeParse(value).success) {
        throw new AppError("not_found", `${name.slice(0, -2)} ${value} was not found`);
      }
      // Postgres reads uuids in any case but lib/ compares ids as strings, so pass the
      // canonical lower-case form.
      return [name, value.toLowerCase()];
    }),
  ) as P;
}

/**
 * Wraps an API route handler: refuses requests to unknown hosts and writes from other sites,
 * authenticates (API key or session cookie; 401), resolves the workspace the request acts in
 * (a table of another workspace is a 404, as if it did not exist), checks the permission the
 * route needs (403), counts the request against the key's rate limit (429), awaits `params`
 * (malformed ids are 404s), maps every thrown error to the one JSON error shape and sets the
 * API's security headers on every answer.
 */
export function route<P extends Record<string, string> = Record<string, never>>(
  options: RouteOptions,
  handler: (request: Request, params: P, access: Access) => Promise<Response>,
) {
  return withApiHeaders(async (request: Request, context: RouteContext<P>): Promise<Response> => {
    try {
      checkHost(request.headers.get("host") ?? new URL(request.url).host);
      checkOrigin(request);
      const raw = (await context?.params) ?? {};
      let params: P;
      try {
        params = readParams<P>(raw);
      } catch (malformed) {
        // Credentials first, then the malformed id's 404: no caller learns more without them.
        await authorize(request, {});
        throw malformed;
      }
      const { tableId, workspaceId } = params as Record<string, string | undefined>;
      const { principal, access } = await authorize(request, { tableId, workspaceId });
      if (principal.kind === "session") checkSessionOrigin(request);
      if ((options.session || options.admin) && principal.kind !== "session") {
        throw new AppError("forbidden", "Sign in to do this: an API key acts for a workspace, not for a person");
      }
      // A workspace named in the path that the request cannot see does not exist for it.
      if (workspaceId && access.workspaceId === null)
        throw new AppError("not_found", `workspace ${workspaceId} was not found`);
      if (options.permission !== "authenticated")
        requirePermission(access, options.permission, principal, options.what);
      if (options.admin) requireAdmin(access);
      if (request.method !== "GET" && request.method !== "HEAD") {
        if (!options.query) refuseQuery(request);
        if (options.body === false) await refuseBody(request);
      }
      return await refusingUnreadQuery(request, await handler(request, params, access));
    } catch (error) {
      return toErrorResponse(error);
    }
  });
}

/**
 * A read that takes no parameters refuses those it was given, as routes that take some refuse
 * unknown ones (parseQuery), instead of answering as if they meant nothing.
 */
async function refusingUnreadQuery(request: Request, response: Response): Promise<Response> {
  const given = new URL(request.url).searchParams.size;
  if (request.method !== "GET" || given === 0 || queryWasRead(request) || !response.ok) return response;
  await response.body?.cancel().catch(() => {});
  refuseQuery(request);
  return response;
}

/** A route anyone may call (health, an invitation's page): host and origin checks and the error shape only. */
export function publicRoute<P extends Record<string, string> = Record<string, never>>(
  handler: (request: Request, params: P) => Promise<Response>,
) {
  return withApiHeaders(async (request: Request, context?: RouteContext<P>): Promise<Response> => {
    try {
      checkHost(request.headers.get("host") ?? new URL(request.url).host);
      checkOrigin(request);
      return await refusingUnreadQuery(request, await handler(request, readParams<P>((await context?.params) ?? {})));
    } catch (error) {
      return toErrorResponse(error);
    }
  });
}

export const json = (body: unknown, status = 200) => Response.json(body, { status });

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
const METHODS: Method[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
type Handler = (request: Request) => Promise<Response>;

/**
 * Answers for the methods a route file does not serve: 405 in the one error shape, naming the
 * methods it serves, with an `Allow` header (Next's own 405 has no body), and OPTIONS listing
 * them. A route file exports what it does not serve from here:
 * `export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET", "POST");`
 */
export function otherMethods<S extends Method>(...served: S[]) {
  const allowed = [...served, ...(served.includes("GET" as S) ? ["HEAD"] : []), "OPTIONS"].sort();
  const allow = allowed.join(", ");
  const refuse = publicRoute(async (request) => {
    if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: { allow } });
    const path = new URL(request.url).pathname;
    const message = `${request.method} is not allowed on ${path}; it answers ${served.join(", ")}`;
    throw new AppError("method_not_allowed", message, { allowed });
  });
  const answer: Handler = async (request) => {
    const response = await refuse(request);
    if (response.status === 405) response.headers.set("allow", allow);
    return response;
  };
  const unserved = METHODS.filter((method) => !served.includes(method as S));
  return Object.fromEntries([...unserved, "OPTIONS"].map((method) => [method, answer])) as Record<
    Exclude<Method, S> | "OPTIONS",
    Handler
  >;
}
