import { randomBytes } from "node:crypto";
import { getAuth } from "../../lib/auth/server";
import { getDb } from "../../lib/db";
import { seedLeads } from "./leads";

// The development account `npm run dev` creates on an empty database, so the two commands
// lead straight to a working app and API: a person, their workspace with the Leads table, and
// an API key with every scope. Never run in production.

export const DEMO_EMAIL = "demo@glaze.local";

export type DemoCredentials = { email: string; password: string; workspaceId: string; apiKey: string };

/**
 * Creates the demo account when the database has no account yet; undefined when it has one.
 * A workspace without members (existing tables moved there by the accounts migration) becomes
 * the demo workspace; otherwise a new one is made.
 */
export async function createDemoAccount(): Promise<DemoCredentials | undefined> {
  const db = getDb();
  if ((await db.user.count()) > 0) return undefined;
  const auth = getAuth();
  const password = `glaze-${randomBytes(9).toString("base64url")}`;
  const { user } = await auth.api.signUpEmail({ body: { name: "Demo", email: DEMO_EMAIL, password } });
  // Signing up signs in too: that session's token went nowhere, and it sat in the person's
  // list of sessions (no address, no browser) for a week.
  await db.session.deleteMany({ where: { userId: user.id } });
  // The first account becomes owner of any memberless workspace (lib/auth/bootstrap.ts).
  const adopted = await db.member.findFirst({ where: { userId: user.id }, select: { organizationId: true } });
  const workspaceId =
    adopted?.organizationId ??
    (await auth.api.createOrganization({ body: { name: "Demo workspace", slug: "demo", userId: user.id } }))?.id;
  if (!workspaceId) throw new Error("could not create the demo workspace");
  if ((await db.table.count({ where: { workspaceId } })) === 0) await seedLeads({ workspaceId });
  const key = await auth.api.createApiKey({
    body: {
      name: "Development (all scopes)",
      organizationId: workspaceId,
      userId: user.id,
      permissions: { workspace: ["read", "write", "enrich"] },
    },
  });
  // Its maker, as for keys made in settings (lib/auth/api-keys.ts).
  await db.apikey.update({ where: { id: key.id }, data: { createdByUserId: user.id } });
  return { email: DEMO_EMAIL, password, workspaceId, apiKey: key.key };
}
