import "server-only";
import { randomBytes } from "node:crypto";
import { getDb } from "../db";
import { getAuth } from "./server";

export type WorkspaceDto = { id: string; name: string; slug: string; role: string | null; createdAt: string };

/** "Acme Sales" → "acme-sales-3f9a1c": readable and unique without asking. */
function slugFor(name: string) {
  const base =
    name
      .normalize("NFKD")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40) || "workspace";
  return `${base}-${randomBytes(3).toString("hex")}`;
}

/** The person's workspaces with their role in each, oldest membership first. */
export async function listWorkspaces({ userId }: { userId: string }): Promise<WorkspaceDto[]> {
  const members = await getDb().member.findMany({
    where: { userId },
    orderBy: { createdAt: "asc" },
    include: { organization: true },
  });
  return members.map((m) => ({
    id: m.organization.id,
    name: m.organization.name,
    slug: m.organization.slug,
    role: m.role,
    createdAt: m.organization.createdAt.toISOString(),
  }));
}

/** A workspace (the workspace a key belongs to, as a key sees it: no role). */
export async function getWorkspace({ workspaceId, role }: { workspaceId: string; role: string | null }) {
  const org = await getDb().organization.findUniqueOrThrow({ where: { id: workspaceId } });
  return { id: org.id, name: org.name, slug: org.slug, role, createdAt: org.createdAt.toISOString() };
}

/** A new workspace owned by `userId` (better-auth makes the creator its owner). */
export async function createWorkspace({ userId, name }: { userId: string; name: string }): Promise<WorkspaceDto> {
  const org = await getAuth().api.createOrganization({ body: { name, slug: slugFor(name), userId } });
  if (!org) throw new Error("better-auth did not create the workspace");
  // The person's sessions with no workspace yet work in this one from now on.
  await getDb().session.updateMany({
    where: { userId, activeOrganizationId: null },
    data: { activeOrganizationId: org.id },
  });
  return {
    id: org.id,
    name: org.name,
    slug: org.slug,
    role: "owner",
    createdAt: new Date(org.createdAt).toISOString(),
  };
}

/** Renames a workspace (its slug stays: links and ids do not change). */
export async function renameWorkspace({
  workspaceId,
  name,
  role,
}: {
  workspaceId: string;
  name: string;
  role: string | null;
}): Promise<WorkspaceDto> {
  const org = await getDb().organization.update({ where: { id: workspaceId }, data: { name } });
  return { id: org.id, name: org.name, slug: org.slug, role, createdAt: org.createdAt.toISOString() };
}
