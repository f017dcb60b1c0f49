import "server-only";
import { createHash } from "node:crypto";
import { env } from "../env";
import type { AdapterEnv, AdapterRequest } from "./adapter";
import { readSecret, resolveKey } from "./credentials";
import { ProviderError, Unauthorized } from "./errors";
import { redactCredentials } from "./redact";
import { adapterById } from "./registry";
import { SendDeadlineMissed } from "./send-deadline";
import type { CallOutcome, CellValue, Vendor } from "./types";

// The one function every upstream provider call goes through. It resolves where and as whom
// the call is made (base URL, the workspace's key), runs the adapter, measures it, and turns
// any answer or error into one CallResult; it never throws for a provider's failure. Costs,
// budgets, caching and rate limiting wrap this function.

export type CallResult = {
  provider: string;
  fingerprint: string;
  outcome: Exclude<CallOutcome, "skipped">;
  value: CellValue;
  confidence: number | null;
  rawConfidence: unknown;
  source: string | null;
  credits: number;
  cost: number;
  latencyMs: number;
  httpStatus: number | null;
  error: string | null;
  retryAfterMs: number | null;
  evidence: unknown;
  payload: unknown;
};

/** Resolved keys, shared by the calls of one batch so each provider's key is read once. */
export type KeyCache = Map<string, Promise<string | undefined>>;

/** sha256 of the provider and its inputs, normalised (trimmed, lower-cased, keys sorted). */
export function fingerprintOf(provider: string, request: Pick<AdapterRequest, "field" | "inputs">, extra?: unknown) {
  const inputs = Object.entries(request.inputs)
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([k, v]) => [k, String(v).trim().toLowerCase()])
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash("sha256")
    .update(JSON.stringify([provider, request.field, inputs, extra ?? null]))
    .digest("hex")
    .slice(0, 32);
}

/**
 * The fingerprint of a request as it is sent: its inputs and, for the HTTP provider, its URL
 * template and the row values it fills in. Calls with the same fingerprint asked the same
 * question; an answer to another question is not reused (lib/enrichment/waterfall/decide.ts).
 */
export const requestFingerprint = (provider: string, request: AdapterRequest) =>
  fingerprintOf(provider, request, request.http ? [request.http.url, request.row ?? {}] : undefined);

function keyFor(workspaceId: string, vendor: Vendor, cache?: KeyCache): Promise<string | undefined> {
  if (vendor === "http") return Promise.resolve(undefined);
  const id = `${workspaceId}|${vendor}`;
  const cached = cache?.get(id);
  if (cached) return cached;
  const pending = resolveKey(workspaceId, vendor).then((r) => r.key);
  cache?.set(id, pending);
  return pending;
}

/**
 * Resolves the adapter's key into `keys` ahead of a call (errors are left for the call to
 * report): the costs layer does it before waiting for a rate-limit slot, so that no database
 * read sits between the slot and the request.
 */
export async function prepareKey({
  workspaceId,
  adapterId,
  keys,
}: {
  workspaceId: string;
  adapterId: string;
  keys: KeyCache;
}) {
  const adapter = adapterById(adapterId);
  if (adapter) await keyFor(workspaceId, adapter.vendor, keys).catch(() => undefined);
}

function baseUrlOf(vendor: Vendor): string {
  const urls = env.providerBaseUrls;
  return vendor === "http" ? "" : urls[vendor];
}

export async function callProvider({
  workspaceId,
  adapterId,
  request,
  keys,
}: {
  workspaceId: string;
  adapterId: string;
  request: AdapterRequest;
  keys?: KeyCache;
}): Promise<CallResult> {
  const adapter = adapterById(adapterId);
  const fingerprint = requestFingerprint(adapterId, request);
  const started = performance.now();
  const base = { provider: adapterId, fingerprint };
  // The credentials this call used: an error quoting one of them says [redacted] instead.
  const used: (string | undefined)[] = [];
  try {
    if (!adapter) throw new ProviderError("bad_input", `Unknown provider ${adapterId}`);
    let apiKey: string | undefined;
    try {
      apiKey = await keyFor(workspaceId, adapter.vendor, keys);
    } catch (error) {
      throw Unauthorized(`The stored ${adapter.name} key cannot be read: ${(error as Error).message}`);
    }
    if (adapter.vendor !== "http" && apiKey === undefined) {
      throw Unauthorized(`No ${adapter.name} API key is configured (PUT /api/providers/${adapter.vendor}/credentials)`);
    }
    used.push(apiKey);
    const adapterEnv: AdapterEnv = {
      baseUrl: baseUrlOf(adapter.vendor),
      apiKey,
      model: env.llmModel,
      timeoutMs: env.providerTimeoutMs,
      allowPrivateHttp: env.allowPrivateHttp,
      secret: async (name) => {
        const value = await readSecret({ workspaceId, vendor: "http", name });
        used.push(value ?? undefined);
        return value;
      },
    };
    const answer = await adapter.call(request, adapterEnv);
    return {
      ...base,
      outcome: "found",
      value: answer.value,
      confidence: Math.min(1, Math.max(0, answer.confidence)),
      rawConfidence: answer.rawConfidence ?? null,
      source: answer.source,
      credits: answer.cost.credits,
      cost: answer.cost.usd,
      latencyMs: performance.now() - started,
      httpStatus: answer.httpStatus,
      error: null,
      retryAfterMs: null,
      evidence: answer.evidence ?? null,
      payload: answer.payload ?? null,
    };
  } catch (error) {
    if (error instanceof SendDeadlineMissed) throw error;
    const e =
      error instanceof ProviderError
        ? error
        : new ProviderError("transient", `${adapter?.name ?? adapterId} failed: ${(error as Error)?.message ?? error}`);
    return {
      ...base,
      outcome: e.kind,
      value: null,
      confidence: null,
      rawConfidence: null,
      source: null,
      credits: e.cost?.credits ?? 0,
      cost: e.cost?.usd ?? 0,
      latencyMs: performance.now() - started,
      httpStatus: e.httpStatus ?? null,
      error: redactCredentials(e.message, used).slice(0, 500),
      retryAfterMs: e.retryAfterMs ?? null,
      evidence: null,
      payload: e.payload ?? null,
    };
  }
}
