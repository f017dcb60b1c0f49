import type { HttpSpec } from "./adapters/http-spec";
import type { AdapterInfo } from "./catalog";
import type { FieldName, InputName, ProviderAnswer } from "./types";

/** What one call is asked: the column's field, the mapped inputs that are not empty, the row. */
export type AdapterRequest = {
  field: FieldName;
  inputs: Partial<Record<InputName, string>>;
  /** The row's values by column key (the HTTP adapter's placeholders). */
  row: Record<string, unknown>;
  /** The HTTP adapter's request description (from the recipe). */
  http?: HttpSpec;
  /** Answers of the other providers for this row (the LLM fallback's only context). */
  context?: ContextEntry[];
};

export type ContextEntry = {
  provider: string;
  field: string;
  value: unknown;
  payload: unknown;
  /** How sure that provider was of its value (0..1), when known. */
  confidence?: number | null;
};

/** Where and as whom a call is made: resolved per workspace by callProvider. */
export type AdapterEnv = {
  baseUrl: string;
  apiKey: string | undefined;
  model: string;
  timeoutMs: number;
  allowPrivateHttp: boolean;
  /** A named secret of the workspace (the HTTP adapter's header references). */
  secret: (name: string) => Promise<string | undefined>;
};

/** A provider adapter: its documented contract (catalog.ts), and one call. */
export interface Adapter extends AdapterInfo {
  call(request: AdapterRequest, env: AdapterEnv): Promise<ProviderAnswer>;
}
