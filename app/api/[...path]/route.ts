import { publicRoute } from "@/lib/api/handler";
import { AppError } from "@/lib/errors";

// Any /api path no route serves: the one JSON error shape (404), behind the host check and
// with the API's headers, like every route (the proxy runs on pages only).
const answer = publicRoute(async (request) => {
  throw new AppError("not_found", `No API route at ${new URL(request.url).pathname}`);
});
const notFound = (request: Request) => answer(request, { params: Promise.resolve({}) });

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const OPTIONS = notFound;
