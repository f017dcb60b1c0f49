import { redactCredentials } from "./redact";
import type { Cost, ProviderErrorKind } from "./types";

/**
 * A provider call that did not yield a value, classified. `retryAfterMs` is set for
 * rate_limited; `cost` when the provider billed the call anyway (an LLM's tokens).
 */
export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly httpStatus?: number;
  readonly retryAfterMs?: number;
  readonly cost?: Cost;
  readonly payload?: unknown;

  constructor(
    kind: ProviderErrorKind,
    message: string,
    options: { httpStatus?: number; retryAfterMs?: number; cost?: Cost; payload?: unknown } = {},
  ) {
    // Cells' errors are read by every member: no credential a provider quoted goes with them.
    super(redactCredentials(message));
    this.name = "ProviderError";
    this.kind = kind;
    this.httpStatus = options.httpStatus;
    this.retryAfterMs = options.retryAfterMs;
    this.cost = options.cost;
    this.payload = options.payload;
  }
}

type Options = ConstructorParameters<typeof ProviderError>[2];

export const NotFound = (message: string, options?: Options) => new ProviderError("not_found", message, options);
export const RateLimited = (retryAfterMs: number, message: string, options?: Options) =>
  new ProviderError("rate_limited", message, { ...options, retryAfterMs });
export const OutOfCredits = (message: string, options?: Options) =>
  new ProviderError("out_of_credits", message, options);
export const Unauthorized = (message: string, options?: Options) => new ProviderError("unauthorized", message, options);
export const BadInput = (message: string, options?: Options) => new ProviderError("bad_input", message, options);
export const Transient = (message: string, options?: Options) => new ProviderError("transient", message, options);
