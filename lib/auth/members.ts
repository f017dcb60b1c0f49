import "server-only";
import { getDb, type Tx } from "../db";
import { AppError, notFound } from "../errors";
import { announceAccessChange } from "../realtime/access-guard";
import { isAdminRole, type Role } from "./permissions";

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

const isOwner = (role: string) => role.split(",").some((r) => r.trim() === "owner");

/**
 * Runs a change of the workspace's members with them locked (the workspace's row, in one
 * transaction), reading the asking person's role and the member's afresh: two owners demoting
 * or removing each other at the same time are taken one after the other, and the second is
 * refused (no longer an owner, or the workspace's last one) instead of leaving it ownerless.
 * `leave`: the person may be removing themselves, which needs no admin role.
 */
async function withMembersLocked<T>(
  {
    workspaceId,
    memberId,
    actorUserId,
    leave = false,
  }: { workspaceId: string; memberId: string; actorUserId: string; leave?: boolean },
  change: (
    tx: Tx,
    member: { id: string; userId: string; role: string },
    actorRole: string,
    owners: number,
  ) => Promise<T>,
): Promise<T> {
  return getDb().$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM organizations WHERE id = ${workspaceId} FOR UPDATE`;
    const members = await tx.member.findMany({
      where: { organizationId: workspaceId },
      select: { id: true, userId: true, role: true },
    });
    const actor = members.find((m) => m.userId === actorUserId);
    const member = members.find((m) => m.id === memberId);
    // Anyone may leave (remove themselves); everything else is for owners and admins.
    const leaving = leave && member !== undefined && member.userId === actorUserId;
    if (!actor || (!leaving && !isAdminRole(actor.role))) {
      throw new AppError("forbidden", "Only the workspace's owners and admins (signed in) may do this");
    }
    if (!member) throw notFound("member", memberId);
    return change(tx, member, actor.role, members.filter((m) => isOwner(m.role)).length);
  });
}

/** A workspace always keeps an owner: the last one can be neither demoted nor removed. */
function assertNotLastOwner(member: { role: string }, owners: number) {
  if (isOwner(member.role) && owners <= 1) {
    throw new AppError("conflict", "A workspace needs an owner: make someone else owner first");
  }
}

/**
 * The API keys `userId` made in the workspace are revoked: a key cannot outlast its maker's
 * right to make keys there (they left, were removed, or are no longer an owner or admin).
 */
async function revokeKeysMadeBy(tx: Tx, workspaceId: string, userId: string): Promise<number> {
  const revoked = await tx.apikey.deleteMany({ where: { referenceId: workspaceId, createdByUserId: userId } });
  return revoked.count;
}

/** Changes a member's role; returns how many API keys they made were revoked with it. */
export async function updateMemberRole({
  workspaceId,
  memberId,
  role,
  actorUserId,
}: {
  workspaceId: string;
  memberId: string;
  role: Role;
  actorUserId: string;
}): Promise<{ revokedApiKeys: number }> {
  const revokedApiKeys = await withMembersLocked(
    { workspaceId, memberId, actorUserId },
    async (tx, member, actorRole, owners) => {
      if ((role === "owner" || isOwner(member.role)) && !isOwner(actorRole)) {
        throw new AppError("forbidden", "Only an owner may make or unmake owners");
      }
      if (role !== "owner") assertNotLastOwner(member, owners);
      await tx.member.update({ where: { id: memberId }, data: { role } });
      return isAdminRole(role) ? 0 : revokeKeysMadeBy(tx, workspaceId, member.userId);
    },
  );
  // Their open event streams check the new role now (a viewer keeps reading; nobody less),
  // and those of the keys revoked end.
  await announceAccessChange();
  return { revokedApiKeys };
}

export async function removeMember({
  workspaceId,
  memberId,
  actorUserId,
}: {
  workspaceId: string;
  memberId: string;
  actorUserId: string;
}) {
  const options = { workspaceId, memberId, actorUserId, leave: true };
  await withMembersLocked(options, async (tx, member, actorRole, owners) => {
    if (isOwner(member.role) && !isOwner(actorRole)) {
      throw new AppError("forbidden", "Only an owner may remove an owner");
    }
    assertNotLastOwner(member, owners);
    await tx.member.delete({ where: { id: memberId } });
    await revokeKeysMadeBy(tx, workspaceId, member.userId);
  });
  // Their open event streams of the workspace's tables, and their keys', end now, not at their next check.
  await announceAccessChange();
}
