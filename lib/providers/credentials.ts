import "server-only";
import { getDb } from "../db";
import { env } from "../env";
import { open, seal } from "../secrets/cipher";
import type { Vendor } from "./types";

// Provider keys of a workspace, sealed with AES-256-GCM (lib/secrets). A key is never
// returned or logged: callers see its last 4 characters. The associated data binds each
// sealed value to its workspace, provider and name. A workspace without a key of its own
// uses the deployment's (GLAZE_<PROVIDER>_API_KEY), if any.

export const DEFAULT_NAME = "default";

const aadOf = (workspaceId: string, vendor: string, name: string) =>
  `glaze:provider-key:${workspaceId}:${vendor}:${name}`;

export type CredentialSummary = { provider: Vendor; name: string; last4: string; updatedAt: string };

const last4Of = (secret: string) => (secret.length <= 8 ? "" : secret.slice(-4));

/** Stores (or replaces) a key; clears the provider's alert, since the key changed. */
export async function storeCredential({
  workspaceId,
  vendor,
  name = DEFAULT_NAME,
  secret,
}: {
  workspaceId: string;
  vendor: Vendor;
  name?: string;
  secret: string;
}): Promise<CredentialSummary> {
  const sealed = seal(secret, aadOf(workspaceId, vendor, name));
  const bytes = (buffer: Buffer) => new Uint8Array(buffer);
  const data = {
    ciphertext: bytes(sealed.ciphertext),
    iv: bytes(sealed.iv),
    authTag: bytes(sealed.authTag),
    keyId: sealed.keyId,
    last4: last4Of(secret),
  };
  const db = getDb();
  const row = await db.$transaction(async (tx) => {
    const saved = await tx.providerCredential.upsert({
      where: { workspaceId_provider_name: { workspaceId, provider: vendor, name } },
      create: { workspaceId, provider: vendor, name, ...data },
      update: data,
      select: { provider: true, name: true, last4: true, updatedAt: true },
    });
    await tx.providerAlert.deleteMany({ where: { workspaceId, provider: vendor } });
    return saved;
  });
  return { provider: row.provider as Vendor, name: row.name, last4: row.last4, updatedAt: row.updatedAt.toISOString() };
}

/** Removes a key; false if there was none. */
export async function removeCredential({
  workspaceId,
  vendor,
  name = DEFAULT_NAME,
}: {
  workspaceId: string;
  vendor: Vendor;
  name?: string;
}): Promise<boolean> {
  const { count } = await getDb().providerCredential.deleteMany({ where: { workspaceId, provider: vendor, name } });
  await getDb().providerAlert.deleteMany({ where: { workspaceId, provider: vendor } });
  return count > 0;
}

/** The workspace's stored keys, without their values. */
export async function listCredentials(workspaceId: string): Promise<CredentialSummary[]> {
  const rows = await getDb().providerCredential.findMany({
    where: { workspaceId },
    orderBy: [{ provider: "asc" }, { name: "asc" }],
    select: { provider: true, name: true, last4: true, updatedAt: true },
  });
  return rows.map((r) => ({
    provider: r.provider as Vendor,
    name: r.name,
    last4: r.last4,
    updatedAt: r.updatedAt.toISOString(),
  }));
}

/** A stored secret in clear, or undefined. Throws when it exists but cannot be decrypted. */
export async function readSecret({
  workspaceId,
  vendor,
  name = DEFAULT_NAME,
}: {
  workspaceId: string;
  vendor: Vendor;
  name?: string;
}): Promise<string | undefined> {
  const row = await getDb().providerCredential.findUnique({
    where: { workspaceId_provider_name: { workspaceId, provider: vendor, name } },
    select: { ciphertext: true, iv: true, authTag: true, keyId: true },
  });
  if (!row) return undefined;
  return open(
    {
      ciphertext: Buffer.from(row.ciphertext),
      iv: Buffer.from(row.iv),
      authTag: Buffer.from(row.authTag),
      keyId: row.keyId,
    },
    aadOf(workspaceId, vendor, name),
  );
}

export type KeySource = "workspace" | "deployment" | "none";

/** The key a call of `vendor` uses for the workspace, and where it came from. */
export async function resolveKey(workspaceId: string, vendor: Exclude<Vendor, "http">) {
  const stored = await readSecret({ workspaceId, vendor });
  if (stored !== undefined) return { key: stored, source: "workspace" as KeySource };
  const fallback = env.providerFallbackKeys[vendor];
  return fallback
    ? { key: fallback, source: "deployment" as KeySource }
    : { key: undefined, source: "none" as KeySource };
}
