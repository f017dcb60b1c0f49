import { z } from "zod";
import { AppError } from "../errors";
import { toErrorResponse } from "./respond";

type RouteContext<P> = { params: Promise<P> };

const uuid = z.uuid();

/**
 * Wraps a route handler: awaits `params`, treats any malformed id in the path as an
 * unknown id (404, never a database error), and maps every thrown error to the one
 * JSON error shape.
 */
export function route<P extends Record<string, string> = Record<string, never>>(
  handler: (request: Request, params: P) => Promise<Response>,
) {
  return async (request: Request, context: RouteContext<P>): Promise<Response> => {
    try {
      const params = ((await context?.params) ?? {}) as P;
      for (const [name, value] of Object.entries(params)) {
        if (name.endsWith("Id") && !uuid.safeParse(value).success) {
          throw new AppError("not_found", `${name.slice(0, -2)} ${value} was not found`);
        }
      }
      return await handler(request, params);
    } catch (error) {
      return toErrorResponse(error);
    }
  };
}

export const json = (body: unknown, status = 200) => Response.json(body, { status });
