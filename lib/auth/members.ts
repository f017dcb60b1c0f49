import "server-only";
import { getDb } from "../db";
import { AppError, notFound } from "../errors";
import type { Role } from "./permissions";

export type MemberDto = { id: string; userId: string; name: string; email: string; role: string; createdAt: string };

export async function listMembers({ workspaceId }: { workspaceId: string }): Promise<MemberDto[]> {
  const members = await getDb().member.findMany({
    where: { organizationId: workspaceId },
    orderBy: { createdAt: "asc" },
    include: { user: { select: { name: true, email: true } } },
  });
  return members.map((m) => ({
    id: m.id,
    userId: m.userId,
    name: m.user.name,
    email: m.user.email,
    role: m.role,
    createdAt: m.createdAt.toISOString(),
  }));
}

/** A workspace always keeps an owner: the last one can be neither demoted nor removed. */
async function assertNotLastOwner(workspaceId: string, memberId: string) {
  const owners = await getDb().member.findMany({
    where: { organizationId: workspaceId, role: { contains: "owner" } },
    select: { id: true },
  });
  if (owners.length === 1 && owners[0].id === memberId) {
    throw new AppError("conflict", "A workspace needs an owner: make someone else owner first");
  }
}

export async function updateMemberRole({
  workspaceId,
  memberId,
  role,
  actorRole,
}: {
  workspaceId: string;
  memberId: string;
  role: Role;
  actorRole: string;
}) {
  const member = await getDb().member.findFirst({ where: { id: memberId, organizationId: workspaceId } });
  if (!member) throw notFound("member", memberId);
  if ((role === "owner" || member.role.includes("owner")) && !actorRole.includes("owner")) {
    throw new AppError("forbidden", "Only an owner may make or unmake owners");
  }
  if (role !== "owner") await assertNotLastOwner(workspaceId, memberId);
  await getDb().member.update({ where: { id: memberId }, data: { role } });
}

export async function removeMember({
  workspaceId,
  memberId,
  actorRole,
}: {
  workspaceId: string;
  memberId: string;
  actorRole: string;
}) {
  const member = await getDb().member.findFirst({ where: { id: memberId, organizationId: workspaceId } });
  if (!member) throw notFound("member", memberId);
  if (member.role.includes("owner") && !actorRole.includes("owner")) {
    throw new AppError("forbidden", "Only an owner may remove an owner");
  }
  await assertNotLastOwner(workspaceId, memberId);
  await getDb().member.delete({ where: { id: memberId } });
}
