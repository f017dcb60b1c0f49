import "server-only";
import { env } from "../env";
import { AppError } from "../errors";
import { listAlerts, type ProviderAlertDto } from "./alerts";
import { type AdapterInfo, CATALOG } from "./catalog";
import {
  type CredentialSummary,
  DEFAULT_NAME,
  listCredentials,
  removeCredential,
  storeCredential,
} from "./credentials";
import type { PutCredentialInput } from "./schemas";
import type { Vendor } from "./types";

// GET /api/providers and the credentials endpoints: each adapter with what it fills and needs,
// its price and rate limit, and whether the workspace can call it (a key of its own, the
// deployment's, or none). Keys themselves never leave the server: at most their last 4.

export type ProviderDto = AdapterInfo & {
  configured: boolean;
  keySource: "workspace" | "deployment" | "none" | "not-needed";
  last4: string | null;
  /** Served by the local replicas of `npm run dev` (no real key configured). */
  demo: boolean;
  alert: ProviderAlertDto | null;
};

export type ProvidersDto = {
  /** npm run dev points some providers at local replicas. */
  demo: boolean;
  data: ProviderDto[];
  /** The HTTP provider's named secrets. */
  secrets: CredentialSummary[];
};

export async function listProviders(workspaceId: string): Promise<ProvidersDto> {
  const [credentials, alerts] = await Promise.all([listCredentials(workspaceId), listAlerts(workspaceId)]);
  const fallback = env.providerFallbackKeys;
  const demo = new Set(env.demoProviders);
  const data = (CATALOG as readonly AdapterInfo[]).map((info): ProviderDto => {
    const own = credentials.find((c) => c.provider === info.vendor && c.name === DEFAULT_NAME);
    const vendor = info.vendor;
    const deployment = vendor !== "http" && Boolean(fallback[vendor]);
    const keySource = vendor === "http" ? "not-needed" : own ? "workspace" : deployment ? "deployment" : "none";
    return {
      ...info,
      configured: keySource !== "none",
      keySource,
      last4: own?.last4 ?? null,
      demo: demo.has(vendor) && !own,
      alert: alerts.find((a) => a.provider === vendor) ?? null,
    };
  });
  return { demo: demo.size > 0, data, secrets: credentials.filter((c) => c.provider === "http") };
}

function nameFor(vendor: Vendor, name: string | undefined): string {
  if (vendor === "http") {
    if (!name)
      throw new AppError("validation_failed", "Name the HTTP secret", [{ path: "name", message: "required for http" }]);
    return name;
  }
  if (name !== undefined && name !== DEFAULT_NAME) {
    throw new AppError("validation_failed", "Only the HTTP provider has named secrets", [
      { path: "name", message: "only for http" },
    ]);
  }
  return DEFAULT_NAME;
}

export async function putCredential({
  workspaceId,
  vendor,
  input,
}: {
  workspaceId: string;
  vendor: Vendor;
  input: PutCredentialInput;
}) {
  const saved = await storeCredential({ workspaceId, vendor, name: nameFor(vendor, input.name), secret: input.apiKey });
  return { ...saved, configured: true };
}

export async function deleteCredential({
  workspaceId,
  vendor,
  name,
}: {
  workspaceId: string;
  vendor: Vendor;
  name?: string;
}) {
  const removed = await removeCredential({ workspaceId, vendor, name: nameFor(vendor, name) });
  if (!removed) throw new AppError("not_found", `No ${vendor} key is stored`);
}
