import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getDb } from "../db";
import { type Permission, permissionsOf } from "./permissions";
import { getAuth } from "./server";
import { listWorkspaces, type WorkspaceDto } from "./workspaces";

/** What every signed-in page knows: the person, their workspaces and the active one. */
export type PageSession = {
  user: { id: string; name: string; email: string };
  workspaces: WorkspaceDto[];
  active: WorkspaceDto | null;
};

export async function pageSession(): Promise<PageSession | null> {
  const session = await getAuth().api.getSession({ headers: await headers() });
  if (!session) return null;
  const workspaces = await listWorkspaces({ userId: session.user.id });
  const activeId = (session.session as { activeOrganizationId?: string | null }).activeOrganizationId;
  const active = workspaces.find((w) => w.id === activeId) ?? workspaces[0] ?? null;
  return { user: { id: session.user.id, name: session.user.name, email: session.user.email }, workspaces, active };
}

/** The session of a page only signed-in people may see; others go to sign in and come back. */
export async function requirePageSession(returnTo: string): Promise<PageSession> {
  const session = await pageSession();
  if (!session) redirect(`/sign-in?next=${encodeURIComponent(returnTo)}`);
  return session;
}

/** The person's permissions on a table's workspace; null when the table is not theirs to see. */
export async function pagePermissionsForTable(session: PageSession, tableId: string): Promise<Permission[] | null> {
  const rows = await getDb().$queryRaw<{ role: string }[]>`
    SELECT m.role FROM tables t JOIN members m ON m.organization_id = t.workspace_id AND m.user_id = ${session.user.id}
     WHERE t.id = ${tableId}::uuid`;
  return rows.length === 0 ? null : [...permissionsOf(rows[0].role)];
}
