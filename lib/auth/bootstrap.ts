import "server-only";
import { getDb } from "../db";

/**
 * The first account of a database becomes the owner of any workspace that has no members: the
 * default workspace the accounts migration moved existing tables into. Without it, data from
 * before accounts existed would be unreachable.
 */
export async function afterUserCreated({ userId }: { userId: string }) {
  const db = getDb();
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(4242002)`;
    if ((await tx.user.count()) !== 1) return;
    const orphans = await tx.organization.findMany({ where: { members: { none: {} } }, select: { id: true } });
    for (const { id } of orphans) {
      await tx.member.create({ data: { organizationId: id, userId, role: "owner", createdAt: new Date() } });
    }
  });
}
