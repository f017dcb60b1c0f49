import "server-only";
import { getDb } from "../db";
import { AppError, notFound } from "../errors";
import { announceAccessChange } from "../realtime/access-guard";
import { type ApiKeyScope, isAdminRole, storedScopes } from "./permissions";
import type { CreateApiKeyInput } from "./schemas";
import { getAuth } from "./server";

export type ApiKeyDto = {
  id: string;
  name: string | null;
  /** The key's first characters, to recognise it; the key itself is shown once, at creation. */
  start: string | null;
  scopes: ApiKeyScope[];
  enabled: boolean;
  /** Expired keys are listed until revoked, and no longer work. */
  expired: boolean;
  /** Who made it (null: a key made before this was recorded); it is revoked when they leave or stop administering the workspace. */
  createdBy: { userId: string; name: string; email: string } | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
};

/**
 * A new key of the workspace with the given scopes. The caller (an owner or admin, checked by
 * the route) is recorded by better-auth; the plain key is in the answer and nowhere else.
 */
export async function createApiKey({
  workspaceId,
  userId,
  input,
}: {
  workspaceId: string;
  userId: string;
  input: CreateApiKeyInput;
}): Promise<ApiKeyDto & { key: string }> {
  // No headers: better-auth only lets server calls set a key's permissions.
  const created = await getAuth().api.createApiKey({
    body: {
      name: input.name,
      organizationId: workspaceId,
      userId,
      permissions: { workspace: [...new Set(input.scopes)] },
      ...(input.expiresInDays ? { expiresIn: input.expiresInDays * 24 * 60 * 60 } : {}),
    },
  });
  // The key is tagged with its maker, with the workspace's members locked against changes (a
  // removal or demotion revokes the keys tagged with the person, under the same lock), and only
  // if the maker may still make keys: a key made while its maker was being removed or demoted
  // outlived them (the route's check of their role came before, the revocation missed a key not
  // yet tagged).
  try {
    await getDb().$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM organizations WHERE id = ${workspaceId} FOR SHARE`;
      const member = await tx.member.findFirst({
        where: { organizationId: workspaceId, userId },
        select: { role: true },
      });
      if (!member || !isAdminRole(member.role)) {
        throw new AppError("forbidden", "Only the workspace's owners and admins may make API keys");
      }
      await tx.apikey.update({ where: { id: created.id }, data: { createdByUserId: userId } });
    });
  } catch (error) {
    // A key whose maker is unknown, or may no longer make keys, would outlast them: none is made.
    await getDb().apikey.deleteMany({ where: { id: created.id } });
    throw error;
  }
  const maker = await getDb().user.findUnique({ where: { id: userId }, select: { name: true, email: true } });
  return {
    id: created.id,
    key: created.key,
    name: created.name ?? null,
    start: created.start ?? null,
    scopes: [...new Set(input.scopes)],
    enabled: created.enabled ?? true,
    expired: false,
    createdBy: maker ? { userId, ...maker } : null,
    createdAt: new Date(created.createdAt).toISOString(),
    lastUsedAt: null,
    expiresAt: created.expiresAt ? new Date(created.expiresAt).toISOString() : null,
  };
}

export async function listApiKeys({ workspaceId }: { workspaceId: string }): Promise<ApiKeyDto[]> {
  const keys = await getDb().apikey.findMany({
    where: { referenceId: workspaceId },
    orderBy: { createdAt: "desc" },
    include: { createdBy: { select: { id: true, name: true, email: true } } },
  });
  const now = Date.now();
  return keys.map((k) => ({
    id: k.id,
    name: k.name,
    start: k.start,
    scopes: storedScopes(k.permissions),
    enabled: k.enabled ?? true,
    expired: k.expiresAt !== null && k.expiresAt.getTime() <= now,
    createdBy: k.createdBy ? { userId: k.createdBy.id, name: k.createdBy.name, email: k.createdBy.email } : null,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastRequest?.toISOString() ?? null,
    expiresAt: k.expiresAt?.toISOString() ?? null,
  }));
}

/** Revokes (deletes) a key of the workspace; a key of another workspace is a 404. */
export async function revokeApiKey({ workspaceId, keyId }: { workspaceId: string; keyId: string }) {
  const deleted = await getDb().apikey.deleteMany({ where: { id: keyId, referenceId: workspaceId } });
  if (deleted.count === 0) throw notFound("API key", keyId);
  // Streams the key opened end now, not at their next check.
  await announceAccessChange();
}
