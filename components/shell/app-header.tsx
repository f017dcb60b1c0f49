import Link from "next/link";
import type { ReactNode } from "react";
import type { PageSession } from "@/lib/auth/page-session";
import { AccountMenu } from "./account-menu";
import { ShownWorkspace } from "./shown-workspace";
import { WorkspaceSwitcher } from "./workspace-switcher";

/**
 * The bar on top of every signed-in page: home, the workspace switcher, settings, the account.
 * `workspaceId`: the workspace the page shows (a table's own), the active one by default.
 */
export function AppHeader({
  session,
  workspaceId = session.active?.id ?? null,
  children,
}: {
  session: PageSession;
  workspaceId?: string | null;
  children?: ReactNode;
}) {
  return (
    <header className="flex flex-wrap items-center gap-3 border-b border-slate-200 bg-white px-4 py-2">
      <ShownWorkspace id={workspaceId} />
      <Link href="/" className="font-semibold tracking-tight">
        Glaze
      </Link>
      <WorkspaceSwitcher workspaces={session.workspaces} activeId={workspaceId} />
      {session.active ? (
        <>
          <Link href="/settings" className="text-sm text-slate-600 hover:text-slate-900">
            Workspace settings
          </Link>
          <Link href="/usage" className="text-sm text-slate-600 hover:text-slate-900">
            Usage
          </Link>
        </>
      ) : null}
      <div className="min-w-0 flex-1">{children}</div>
      <AccountMenu email={session.user.email} />
    </header>
  );
}
