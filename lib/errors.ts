// Typed domain errors. Domain code throws these; lib/api/respond.ts maps each to one HTTP
// status and the single error shape { error: { code, message, details? } }.

export type ErrorCode =
  | "bad_request"
  | "invalid_json"
  | "validation_failed"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "unauthorized"
  | "internal_error";

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  invalid_json: 400,
  validation_failed: 422,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unauthorized: 401,
  internal_error: 500,
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
