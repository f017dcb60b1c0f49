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

/** The table's workspace and the person's permissions there; null when the table is not theirs to see. */
export async function pageAccessToTable(
  session: PageSession,
  tableId: string,
): Promise<{ workspaceId: string; permissions: Permission[] } | null> {
  const rows = await getDb().$queryRaw<{ role: string; workspaceId: string }[]>`
    SELECT m.role, t.workspace_id::text AS "workspaceId"
      FROM tables t JOIN members m ON m.organization_id = t.workspace_id AND m.user_id = ${session.user.id}
     WHERE t.id = ${tableId}::uuid`;
  const row = rows[0];
  return row ? { workspaceId: row.workspaceId, permissions: [...permissionsOf(row.role)] } : null;
}
