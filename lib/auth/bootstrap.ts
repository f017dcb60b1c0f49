import "server-only";
import { getDb } from "../db";

/**
 * The first account of a database becomes the owner of any workspace that has no members: the
 * default workspace the accounts migration moved existing tables into. Without it, data from
 * before accounts existed would be unreachable. One statement, no lock: sign-up runs in a
 * transaction of its own, so this connection cannot see the new person yet (hence `<= 1`).
 */
export async function afterUserCreated({ userId }: { userId: string }) {
  await getDb().$executeRaw`
    INSERT INTO members (id, organization_id, user_id, role, created_at)
    SELECT gen_random_uuid()::text, o.id, ${userId}, 'owner', now()
      FROM organizations o
     WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.organization_id = o.id)
       AND (SELECT count(*) FROM users) <= 1`;
}
