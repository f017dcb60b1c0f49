import { randomUUID } from "node:crypto";
import type { ApiKeyScope, Role } from "@/lib/auth/permissions";
import { getAuth } from "@/lib/auth/server";
import { getDb } from "@/lib/db";

// People, workspaces and API keys for tests, made through better-auth as the app makes them.

export type TestPerson = { userId: string; email: string; password: string; cookie: string };

/** Signs a new person up (and so in): their session cookie is what a browser would send. */
export async function signUp(email = `person-${randomUUID()}@test.glaze`, password = "correct horse battery") {
  const response = await getAuth().api.signUpEmail({
    body: { name: email.split("@")[0], email, password },
    asResponse: true,
  });
  if (!response.ok) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { user: { id: string } };
  const cookie = response.headers
    .getSetCookie()
    .map((c: string) => c.split(";")[0])
    .join("; ");
  return { userId: body.user.id, email, password, cookie } satisfies TestPerson;
}

export async function createWorkspace(ownerId: string, name = "Test workspace") {
  const org = await getAuth().api.createOrganization({
    body: { name, slug: `ws-${randomUUID()}`, userId: ownerId, keepCurrentActiveOrganization: true },
  });
  if (!org) throw new Error("could not create a workspace");
  return org.id;
}

/** Adds a person to a workspace with a role (as an accepted invitation would). */
export async function addMember(workspaceId: string, userId: string, role: Role) {
  await getDb().member.create({ data: { organizationId: workspaceId, userId, role, createdAt: new Date() } });
}

/** Makes `workspaceId` the active workspace of every session of the person. */
export async function activate(userId: string, workspaceId: string) {
  await getDb().session.updateMany({ where: { userId }, data: { activeOrganizationId: workspaceId } });
}

export async function createKey(workspaceId: string, userId: string, scopes: readonly ApiKeyScope[]) {
  const key = await getAuth().api.createApiKey({
    body: {
      name: `test ${scopes.join("+")}`,
      organizationId: workspaceId,
      userId,
      permissions: { workspace: [...scopes] },
    },
  });
  return { id: key.id, key: key.key };
}

/** The Authorization header of the test account's key, for requests sent with fetch. */
export async function bearer() {
  return { authorization: `Bearer ${(await testAccount()).apiKey}` };
}

export type TestAccount = { owner: TestPerson; workspaceId: string; apiKey: string };

let account: Promise<TestAccount> | undefined;

/**
 * This test file's default account: an owner, their workspace, and an API key with every
 * scope. The API helpers send its key unless a test says otherwise.
 */
export function testAccount(): Promise<TestAccount> {
  account ??= (async () => {
    const owner = await signUp();
    const workspaceId = await createWorkspace(owner.userId);
    await activate(owner.userId, workspaceId);
    const { key } = await createKey(workspaceId, owner.userId, ["read", "write", "enrich"]);
    return { owner, workspaceId, apiKey: key };
  })();
  return account;
}
