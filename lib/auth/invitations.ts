import "server-only";
import { getDb, getPool } from "../db";
import { env } from "../env";
import { AppError, notFound } from "../errors";
import { isOwnerRole } from "./permissions";
import type { InviteInput } from "./schemas";
import { getAuth } from "./server";

export type InvitationDto = {
  id: string;
  email: string;
  role: string | null;
  status: string;
  expiresAt: string;
  /** What to send the invitee: there is no mail server, an admin copies this link. */
  link: string;
};

function linkFor(request: Request, id: string) {
  return `${env.publicUrl ?? new URL(request.url).origin}/invite/${id}`;
}

type InvitationRow = { id: string; email: string; role: string | null; status: string; expiresAt: Date };

function toDto(request: Request, i: InvitationRow): InvitationDto {
  return {
    id: i.id,
    email: i.email,
    role: i.role,
    // A pending invitation past its date can no longer be accepted: it says so.
    status: i.status === "pending" && i.expiresAt.getTime() <= Date.now() ? "expired" : i.status,
    expiresAt: i.expiresAt.toISOString(),
    link: linkFor(request, i.id),
  };
}

/** Invites `email` to the workspace; better-auth checks the inviter may, and refuses duplicates. */
export async function inviteToWorkspace({
  request,
  workspaceId,
  role,
  input,
}: {
  request: Request;
  workspaceId: string;
  /** The caller's role. */
  role: string | null;
  input: InviteInput;
}): Promise<InvitationDto> {
  // A new invitation replaces the address's pending one: an admin would so cancel, unseen, an
  // owner's invitation to the owner role (visibleTo).
  if (!isOwnerRole(role)) {
    const ownerInvitation = await getDb().invitation.count({
      where: {
        organizationId: workspaceId,
        email: { equals: input.email, mode: "insensitive" },
        status: "pending",
        expiresAt: { gt: new Date() },
        role: { contains: "owner" },
      },
    });
    if (ownerInvitation > 0) {
      throw new AppError(
        "conflict",
        "An owner invited this address to be an owner: only an owner may replace that invitation",
      );
    }
  }
  // The address's expired invitations go (an "Invite again" replaces the expired one in the list).
  await getDb().invitation.updateMany({
    where: {
      organizationId: workspaceId,
      email: { equals: input.email, mode: "insensitive" },
      status: "pending",
      expiresAt: { lte: new Date() },
    },
    data: { status: "canceled" },
  });
  const invitation = await getAuth().api.createInvitation({
    body: { email: input.email, role: input.role, organizationId: workspaceId },
    headers: request.headers,
  });
  return toDto(request, { ...invitation, expiresAt: new Date(invitation.expiresAt) });
}

/**
 * Invitations to the owner role exist only for owners: an admin, who may not make an owner,
 * neither sees them nor cancels them. Their link would let an admin make one: anyone can sign
 * up with the invited address (there is no mail to verify it) and accept.
 */
const visibleTo = (role: string | null) =>
  isOwnerRole(role) ? {} : { OR: [{ role: null }, { NOT: { role: { contains: "owner" } } }] };

/** The workspace's pending invitations that `role` (the caller's) may see. */
export async function listInvitations({
  request,
  workspaceId,
  role,
}: {
  request: Request;
  workspaceId: string;
  role: string | null;
}) {
  const rows = await getDb().invitation.findMany({
    where: { organizationId: workspaceId, status: "pending", ...visibleTo(role) },
    orderBy: { createdAt: "desc" },
  });
  return rows.map((i) => toDto(request, i));
}

export async function cancelInvitation({
  workspaceId,
  invitationId,
  role,
}: {
  workspaceId: string;
  invitationId: string;
  role: string | null;
}) {
  const updated = await getDb().invitation.updateMany({
    where: { id: invitationId, organizationId: workspaceId, status: "pending", ...visibleTo(role) },
    data: { status: "canceled" },
  });
  if (updated.count === 0) throw notFound("invitation", invitationId);
}

/**
 * What the invitation page shows before anyone signs in; the invitation's id (a random UUID in
 * the link) is what entitles one to see it. Only pending, unexpired invitations exist here.
 */
export async function describeInvitation({ invitationId }: { invitationId: string }) {
  const invitation = await getDb().invitation.findFirst({
    where: { id: invitationId, status: "pending", expiresAt: { gt: new Date() } },
    include: { organization: { select: { name: true } }, inviter: { select: { name: true } } },
  });
  if (!invitation) throw notFound("invitation", invitationId);
  return {
    id: invitation.id,
    email: invitation.email,
    role: invitation.role,
    workspaceName: invitation.organization.name,
    inviterName: invitation.inviter.name,
    expiresAt: invitation.expiresAt.toISOString(),
  };
}

/**
 * Runs `fn` holding a lock on the invitation (a Postgres advisory lock, on a connection of its
 * own): better-auth's accept and reject each check that it is pending and then change it, so
 * an accept and a decline sent at once could both succeed (a member who had declined).
 */
async function withInvitationLocked<T>(invitationId: string, fn: () => Promise<T>): Promise<T> {
  const client = await getPool().connect();
  try {
    await client.query("SELECT pg_advisory_lock(hashtextextended('glaze-invitation:' || $1, 0))", [invitationId]);
    try {
      return await fn();
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtextextended('glaze-invitation:' || $1, 0))", [invitationId]);
    }
  } finally {
    client.release();
  }
}

/** Accepts for the signed-in person (better-auth checks the invitation is theirs) and makes its workspace active. */
export async function acceptInvitation({ request, invitationId }: { request: Request; invitationId: string }) {
  const result = await withInvitationLocked(invitationId, () =>
    getAuth().api.acceptInvitation({ body: { invitationId }, headers: request.headers }),
  );
  return { workspaceId: result?.member.organizationId ?? null, role: result?.member.role ?? null };
}

/**
 * Declines for the signed-in person (better-auth checks the invitation is theirs): it is gone,
 * as if cancelled. One past its date is already gone (404, as for accepting it: better-auth's
 * reject does not look at the date, and turned an expired invitation into a declined one).
 */
export async function declineInvitation({ request, invitationId }: { request: Request; invitationId: string }) {
  await withInvitationLocked(invitationId, async () => {
    const live = await getDb().invitation.count({
      where: { id: invitationId, status: "pending", expiresAt: { gt: new Date() } },
    });
    if (live === 0) throw notFound("invitation", invitationId);
    return getAuth().api.rejectInvitation({ body: { invitationId }, headers: request.headers });
  });
}
