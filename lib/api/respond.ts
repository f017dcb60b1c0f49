import "server-only";
import { z } from "zod";
import { isDatabaseUnavailable } from "../db-errors";
import { AppError } from "../errors";

export type ErrorBody = { error: { code: string; message: string; details?: unknown } };

export function errorResponse(error: AppError): Response {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error.details !== undefined) body.error.details = error.details;
  const headers = new Headers();
  // A body refused before it was read to the end: close the connection, or the unread rest
  // would be taken for the next request on it.
  if (error.code === "payload_too_large") headers.set("connection", "close");
  if (error.status === 503) headers.set("retry-after", "5");
  return Response.json(body, { status: error.status, headers });
}

/** zod issues as `[{ path: "rows.0.data.email", message }]`, the `details` of a 422. */
export function zodDetails(error: z.ZodError) {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
  }));
}

// Postgres errors that are the client's fault even when a race let them reach the database.
function fromDatabase(error: unknown): AppError | undefined {
  if (isDatabaseUnavailable(error)) {
    return new AppError("service_unavailable", "The database is not reachable right now; try again in a few seconds");
  }
  const code = (error as { code?: string; cause?: { code?: string } })?.code;
  const original = (error as { cause?: { originalCode?: string } })?.cause?.originalCode ?? code;
  if (original === "23505" || code === "P2002")
    return new AppError("conflict", "A record with the same unique key already exists");
  if (original === "23503" || code === "P2003") return new AppError("not_found", "A referenced record was not found");
  if (code === "P2025") return new AppError("not_found", "The record was not found");
  return undefined;
}

export function toErrorResponse(error: unknown): Response {
  if (error instanceof AppError) return errorResponse(error);
  if (error instanceof z.ZodError) {
    return errorResponse(new AppError("validation_failed", "The request is invalid", zodDetails(error)));
  }
  const mapped = fromDatabase(error);
  if (mapped) return errorResponse(mapped);
  console.error("[api] unhandled error", error);
  return errorResponse(new AppError("internal_error", "Something went wrong on our side"));
}
