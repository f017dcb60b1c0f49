import "server-only";
import { getDb } from "../db";
import type { Vendor } from "./types";

// What a workspace is told about a provider: its credits ran out, or its key was refused. One
// alert per provider, replaced by the newest and cleared when the provider's key changes.

export type AlertKind = "out_of_credits" | "unauthorized";
export type ProviderAlertDto = { provider: Vendor; kind: AlertKind; message: string; jobId: string | null; at: string };

export async function raiseAlert({
  workspaceId,
  vendor,
  kind,
  message,
  jobId,
}: {
  workspaceId: string;
  vendor: Vendor;
  kind: AlertKind;
  message: string;
  jobId?: string;
}) {
  const data = { kind, message: message.slice(0, 500), jobId: jobId ?? null, createdAt: new Date() };
  await getDb().providerAlert.upsert({
    where: { workspaceId_provider: { workspaceId, provider: vendor } },
    create: { workspaceId, provider: vendor, ...data },
    update: data,
  });
}

export async function listAlerts(workspaceId: string): Promise<ProviderAlertDto[]> {
  const rows = await getDb().providerAlert.findMany({ where: { workspaceId }, orderBy: { provider: "asc" } });
  return rows.map((r) => ({
    provider: r.provider as Vendor,
    kind: r.kind as AlertKind,
    message: r.message,
    jobId: r.jobId,
    at: r.createdAt.toISOString(),
  }));
}
