// The wire protocol between an Inngest server and the JS SDK (inngest 4.24, execution v2).
// See PROTOCOL.md in this package; the SDK source is the ground truth.

/** The SDK version this server was written and tested against (see version.ts). */
export const BUILT_FOR_INNGEST = "4.24.0";

export const OpCode = {
  StepRun: "StepRun",
  StepError: "StepError",
  StepFailed: "StepFailed",
  StepPlanned: "StepPlanned",
  Sleep: "Sleep",
  WaitForEvent: "WaitForEvent",
  WaitForSignal: "WaitForSignal",
  InvokeFunction: "InvokeFunction",
  RunComplete: "RunComplete",
  StepNotFound: "StepNotFound",
  AiGateway: "AIGateway",
  Gateway: "Gateway",
  DeferAdd: "DeferAdd",
  DeferAbort: "DeferAbort",
} as const;

/** Fire-and-forget ops the SDK attaches to other results; nothing to execute or memoize. */
export const IGNORED_OPS = new Set<string>([OpCode.DeferAdd, OpCode.DeferAbort]);

export const Header = {
  NoRetry: "x-inngest-no-retry",
  RetryAfter: "retry-after",
  Signature: "x-inngest-signature",
  ServerKind: "x-inngest-server-kind",
  EventIdSeed: "x-inngest-event-id-seed",
  SdkHandled: "x-inngest-sdk-handled",
} as const;

export const FUNCTION_INVOKED_EVENT = "inngest/function.invoked";
export const FUNCTION_FAILED_EVENT = "inngest/function.failed";
/** What a cron-triggered run receives (`data: { cron }`); the SDK rejects other names for cron-only functions. */
export const SCHEDULED_TIMER_EVENT = "inngest/scheduled.timer";
/** The SDK's default when a function sets no `retries`. */
export const DEFAULT_RETRIES = 3;

/** One element of a 206 response. */
export interface Op {
  id: string;
  op: string;
  name?: string;
  displayName?: string;
  opts?: Record<string, unknown> & { type?: string };
  userland?: { id?: string; index?: number };
  data?: unknown;
  error?: unknown;
}

export interface ConcurrencyOption {
  limit: number;
  key?: string;
  scope?: "fn" | "env" | "account";
}

export interface Trigger {
  event?: string;
  expression?: string;
  cron?: string;
}

/** A function as the SDK registers it (`functionConfigSchema` in the SDK's types.js). */
export interface FunctionConfig {
  id: string;
  name?: string;
  triggers: Trigger[];
  steps: Record<
    string,
    { id: string; name: string; runtime: { type: string; url: string }; retries?: { attempts?: number } }
  >;
  concurrency?: number | ConcurrencyOption | ConcurrencyOption[];
  cancel?: { event: string; if?: string; timeout?: string }[];
  [other: string]: unknown;
}

export interface RegisterBody {
  url: string;
  appName: string;
  sdk?: string;
  framework?: string;
  functions: FunctionConfig[];
}

export interface EventPayload {
  name: string;
  data: Record<string, unknown>;
  id: string;
  ts: number;
  user?: unknown;
  v?: string;
}

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  [other: string]: unknown;
}

/** What an app response means for the run, independent of which request it answered. */
export type Outcome =
  | { kind: "complete"; data: unknown }
  | { kind: "ops"; ops: Op[]; retryAfterMs?: number }
  | { kind: "error"; retriable: boolean; error: SerializedError; retryAfterMs?: number };

export interface AppResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function maxAttempts(config: FunctionConfig): number {
  const retries = config.steps.step?.retries?.attempts;
  return (typeof retries === "number" && retries >= 0 ? retries : DEFAULT_RETRIES) + 1;
}

export function stepUrl(config: FunctionConfig): string {
  const url = config.steps.step?.runtime.url;
  if (!url) throw new Error(`function ${config.id} has no step URL`);
  return url;
}

function header(res: AppResponse, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `retry-after` is seconds (RetryAfterError with a duration) or an ISO/HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function toError(value: unknown, fallback: string): SerializedError {
  if (value && typeof value === "object" && typeof (value as SerializedError).message === "string") {
    const err = value as SerializedError;
    return { ...err, name: typeof err.name === "string" ? err.name : "Error" };
  }
  // e.g. the SDK's step-not-found answer: { error: "Could not find step ...", ... }
  if (value && typeof value === "object" && typeof (value as { error?: unknown }).error === "string") {
    return { name: "Error", message: (value as { error: string }).error };
  }
  const message = typeof value === "string" && value !== "" ? value : fallback;
  return { name: "Error", message };
}

/** Classify a response to any execution request (discovery or a single step). */
export function classify(res: AppResponse): Outcome {
  const retryAfterMs = parseRetryAfter(header(res, Header.RetryAfter));
  if (res.status === 200) return { kind: "complete", data: parseJson(res.body) };
  if (res.status === 206) {
    const parsed = parseJson(res.body);
    const ops = Array.isArray(parsed) ? parsed : parsed && typeof parsed === "object" ? [parsed] : [];
    if (ops.every((op) => op && typeof op.id === "string" && typeof op.op === "string")) {
      return { kind: "ops", ops: ops as Op[], retryAfterMs };
    }
    return { kind: "error", retriable: true, error: toError(null, `malformed 206 body: ${res.body.slice(0, 200)}`) };
  }
  const noRetry = header(res, Header.NoRetry);
  const snippet = res.body.slice(0, 500);
  const parsed = parseJson(res.body);
  const fallback = `HTTP ${res.status} from app${snippet ? `: ${snippet}` : ""}`;
  const error = toError(parsed && typeof parsed === "object" ? parsed : null, fallback);
  // Without the SDK's header (a proxy, a framework error page) assume a transient failure.
  const retriable = noRetry === undefined ? true : noRetry !== "true";
  return { kind: "error", retriable, error, retryAfterMs };
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Durations the SDK sends: `timeStr` output such as "1h30m5s", or an ISO date for
 * `sleepUntil`. Returns the absolute due time in ms.
 */
export function dueAt(spec: string, now = Date.now()): number {
  const trimmed = spec.trim();
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    const at = Date.parse(trimmed);
    if (!Number.isNaN(at)) return at;
  }
  let total = 0;
  let matched = "";
  for (const m of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|w|d|h|m|s)/g)) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    matched += m[0];
  }
  if (matched === "" || matched !== trimmed.replace(/\s+/g, "")) {
    if (/^\d+$/.test(trimmed)) return now + Number(trimmed);
    throw new Error(`unrecognised duration "${spec}"`);
  }
  return now + total;
}

/** JSON the SDK expects for one memoized step (always wrapped; see the protocol notes). */
export function memoJson(kind: "data" | "error", valueJson: string): string {
  return kind === "data" ? `{"type":"data","data":${valueJson}}` : `{"type":"error","error":${valueJson}}`;
}

/** The display name of an op as the UI should show it. */
export function opName(op: Op): string {
  return op.displayName ?? op.userland?.id ?? op.name ?? op.id;
}
