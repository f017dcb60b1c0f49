// Typed domain errors. Domain code throws these; lib/api/respond.ts maps each to one HTTP
// status and the single error shape { error: { code, message, details? } }.

export type ErrorCode =
  | "bad_request"
  | "invalid_json"
  | "validation_failed"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "unauthorized"
  | "forbidden"
  | "misdirected_request"
  | "too_many_requests"
  | "internal_error"
  | "bad_gateway"
  | "service_unavailable";

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  invalid_json: 400,
  validation_failed: 422,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unauthorized: 401,
  forbidden: 403,
  misdirected_request: 421,
  too_many_requests: 429,
  internal_error: 500,
  bad_gateway: 502,
  service_unavailable: 503,
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.details = details;
  }
  get status() {
    return STATUS[this.code];
  }
}

export const notFound = (what: string, id?: string) =>
  new AppError("not_found", id ? `${what} ${id} was not found` : `${what} was not found`);

export const conflict = (message: string, details?: unknown) => new AppError("conflict", message, details);

export const invalid = (message: string, details?: unknown) => new AppError("validation_failed", message, details);

export const tooLarge = (message: string, details?: unknown) => new AppError("payload_too_large", message, details);

/**
 * Codes, messages and driver metadata of an error and every cause under it, as one string:
 * what database errors are recognised by (Prisma wraps the driver's error, pg's has a code).
 */
export function errorChainText(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    const e = current as { code?: unknown; message?: unknown; meta?: unknown; cause?: unknown };
    let meta = "";
    try {
      meta = JSON.stringify(e.meta ?? "", (_key, value) => (typeof value === "bigint" ? String(value) : value));
    } catch {}
    parts.push(String(e.code ?? ""), String(e.message ?? ""), meta);
    current = e.cause;
  }
  if (parts.length === 0) parts.push(String(error ?? ""));
  return parts.join(" ");
}
