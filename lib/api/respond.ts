import "server-only";
import { z } from "zod";
import { isDatabaseUnavailable, isRetryableDbError } from "../db-errors";
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
  const retryAfter = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  if (error.status === 429 && typeof retryAfter === "number") headers.set("retry-after", String(retryAfter));
  return Response.json(body, { status: error.status, headers });
}

/** The detail of a 422 for a key (or query parameter) nobody asked for, at its own path. */
export const unknownKeyDetail = (path: string, key = path) => ({ path, message: `Unrecognized key: "${key}"` });

/** zod issues as `[{ path: "rows.0.data.email", message }]`, the `details` of a 422. */
export function zodDetails(error: z.ZodError) {
  const pathOf = (path: PropertyKey[]) => path.map(String).join(".") || "(root)";
  return error.issues.flatMap((issue) =>
    // An unknown key is named where it was given (one detail each), not at the object holding it.
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => unknownKeyDetail(pathOf([...issue.path, key]), key))
      : [{ path: pathOf(issue.path), message: issue.message }],
  );
}

// Postgres errors that are the client's fault even when a race let them reach the database.
function fromDatabase(error: unknown): AppError | undefined {
  if (isDatabaseUnavailable(error)) {
    return new AppError("service_unavailable", "The database is not reachable right now; try again in a few seconds");
  }
  // A deadlock or serialisation failure that outlived the write's own retries: nothing was
  // written (Postgres rolled the transaction back), and trying again will most likely pass.
  if (isRetryableDbError(error)) {
    return new AppError("service_unavailable", "The table is busy with other writes right now; try again");
  }
  const code = (error as { code?: string; cause?: { code?: string } })?.code;
  const original = (error as { cause?: { originalCode?: string } })?.cause?.originalCode ?? code;
  if (original === "23505" || code === "P2002")
    return new AppError("conflict", "A record with the same unique key already exists");
  if (original === "23503" || code === "P2003") return new AppError("not_found", "A referenced record was not found");
  if (code === "P2025") return new AppError("not_found", "The record was not found");
  // An interactive transaction that could not start or outlived its timeout: waiting for rows
  // or a table that other writes hold (many writes to the same row at once; a CSV append holds
  // its table for the whole upload), or for a connection of a busy pool.
  if (code === "P2028" || original === "55P03")
    return new AppError(
      "service_unavailable",
      "The change waited too long for the database (other changes held the same rows or table, as a CSV import does); nothing was written: try again in a few seconds",
    );
  return undefined;
}

const AUTH_CODES: Record<number, AppError["code"]> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  422: "validation_failed",
  429: "too_many_requests",
};

/**
 * A better-auth refusal in the one error shape, its own code kept in details. better-auth
 * answers a missing record (INVITATION_NOT_FOUND, …) with a 400: it is a 404 here, as for
 * every other unknown id; "already" refusals (…_ALREADY_…) are 409s, an unknown role a 422.
 * Undefined for a status with no code of its own.
 */
export function authRefusal(status: number, body: { message?: unknown; code?: unknown }): AppError | undefined {
  // Some refusals carry their code only at the start of the message ("ROLE_NOT_FOUND: x").
  const authCode =
    typeof body.code === "string"
      ? body.code
      : typeof body.message === "string"
        ? /^([A-Z][A-Z_]+[A-Z]):/.exec(body.message)?.[1]
        : undefined;
  const code =
    authCode === "ROLE_NOT_FOUND"
      ? "validation_failed" // a role no workspace has: a bad field, not a missing record
      : authCode?.endsWith("_NOT_FOUND")
        ? "not_found"
        : authCode?.includes("_ALREADY_") && status === 400
          ? "conflict" // already a member, a slug already taken: the state, not the request, is in the way
          : AUTH_CODES[status];
  if (!code) return undefined;
  const message = inProductWords(typeof body.message === "string" && body.message ? body.message : "Refused");
  // A password too short or too long is a field that breaks its rule, like the name's.
  if (authCode === "PASSWORD_TOO_SHORT" || authCode === "PASSWORD_TOO_LONG") {
    const rule = authCode === "PASSWORD_TOO_SHORT" ? "at least 8 characters" : "at most 128 characters";
    return new AppError("validation_failed", `password: ${rule}`, [{ path: "password", message: rule }]);
  }
  return new AppError(code, message, authCode ? { authCode } : undefined);
}

/**
 * better-auth's messages in the product's words: a workspace is its "organization", and its
 * not-found messages end in "!" now and then ("Invitation not found!").
 */
export function inProductWords(message: string): string {
  return message
    .replace(/\borganizations\b/g, "workspaces")
    .replace(/\bOrganizations\b/g, "Workspaces")
    .replace(/\borganization\b/g, "workspace")
    .replace(/\bOrganization\b/g, "Workspace")
    .replace(/ not found!$/, " not found");
}

/** A refusal better-auth threw from a server call (e.g. accepting someone else's invitation). */
function fromAuth(error: unknown): AppError | undefined {
  const e = error as { name?: unknown; statusCode?: unknown; body?: { message?: unknown; code?: unknown } };
  if (e?.name !== "APIError" || typeof e.statusCode !== "number") return undefined;
  return authRefusal(e.statusCode, e.body ?? {});
}

export function toErrorResponse(error: unknown): Response {
  if (error instanceof AppError) return errorResponse(error);
  const refused = fromAuth(error);
  if (refused) return errorResponse(refused);
  if (error instanceof z.ZodError) {
    return errorResponse(new AppError("validation_failed", "The request is invalid", zodDetails(error)));
  }
  const mapped = fromDatabase(error);
  if (mapped) return errorResponse(mapped);
  console.error("[api] unhandled error", error);
  return errorResponse(new AppError("internal_error", "Something went wrong on our side"));
}
