import "server-only";
import { z } from "zod";
import { AppError } from "../errors";
import { checkHost, checkOrigin } from "./guard";
import { toErrorResponse } from "./respond";

type RouteContext<P> = { params: Promise<P> };

const uuid = z.uuid();

/**
 * Wraps a route handler: refuses requests to unknown hosts and writes from other sites,
 * awaits `params`, treats any malformed id in the path as an unknown id (404, never a
 * database error), lower-cases well-formed ones, and maps every thrown error to the one JSON
 * error shape.
 */
export function route<P extends Record<string, string> = Record<string, never>>(
  handler: (request: Request, params: P) => Promise<Response>,
) {
  return async (request: Request, context: RouteContext<P>): Promise<Response> => {
    try {
      checkHost(request.headers.get("host") ?? new URL(request.url).host);
      checkOrigin(request);
      const raw: Record<string, string> = (await context?.params) ?? {};
      const params = Object.fromEntries(
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
      return await handler(request, params);
    } catch (error) {
      return toErrorResponse(error);
    }
  };
}

export const json = (body: unknown, status = 200) => Response.json(body, { status });
