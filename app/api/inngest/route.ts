import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/functions";
import { checkHost } from "@/lib/api/guard";
import { otherMethods } from "@/lib/api/handler";
import { toErrorResponse } from "@/lib/api/respond";
import { withApiHeaders } from "@/lib/api/security-headers";
import { guardServe } from "@/lib/api/serve-guard";

// GET/PUT/POST /api/inngest – the Inngest serve endpoint (sync and step execution).
// In production (INNGEST_SIGNING_KEY set) the SDK rejects unsigned or forged requests.
const handlers = guardServe(
  serve({ client: inngest, functions }),
  functions.map((fn) => fn.id(inngest.id)),
);

// Behind the same host check as every route of the app (the worker's own server has none:
// the orchestrator calls it by whatever name it has on the private network).
const checked =
  (handler: (request: Request, context: unknown) => Promise<Response>) =>
  async (request: Request, context: unknown): Promise<Response> => {
    try {
      checkHost(request.headers.get("host") ?? new URL(request.url).host);
    } catch (error) {
      return toErrorResponse(error);
    }
    return handler(request, context);
  };

export const GET = withApiHeaders(checked(handlers.GET));
export const POST = withApiHeaders(checked(handlers.POST));
export const PUT = withApiHeaders(checked(handlers.PUT));

export const { PATCH, DELETE, OPTIONS } = otherMethods("GET", "POST", "PUT");
