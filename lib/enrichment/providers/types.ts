// A provider computes the value of one cell. Real providers (HTTP APIs) implement the same
// interface; the engine only sees { value, confidence, source } or one of the errors below.

export type CellValue = string | number | boolean | null;

export type ProviderInput = {
  row: { id: string; data: Record<string, unknown> };
  column: { id: string; key: string; label: string; dataType: string };
  /** 1-based: the attempt this call is (after earlier attempts failed transiently). */
  attempt: number;
};

export type ProviderResult = { value: CellValue; confidence: number; source: string };

export interface Provider {
  readonly name: string;
  enrich(input: ProviderInput): Promise<ProviderResult>;
}

/** A failure worth retrying (timeouts, rate limits, 5xx). */
export class TransientProviderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TransientProviderError";
  }
}

/** A failure that retrying cannot fix (bad input, unknown entity, 4xx). */
export class PermanentProviderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentProviderError";
  }
}
