import { redirect } from "next/navigation";
import { ApiKeysSection } from "@/components/settings/api-keys-section";
import { InvitationsSection } from "@/components/settings/invitations-section";
import { MembersSection } from "@/components/settings/members-section";
import { ProviderKeysSection } from "@/components/settings/provider-keys-section";
import { SpendingSection } from "@/components/settings/spending-section";
import { WorkspaceName } from "@/components/settings/workspace-name";
import { AppHeader } from "@/components/shell/app-header";
import { requirePageSession } from "@/lib/auth/page-session";
import { isAdminRole } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";

export default async function SettingsPage() {
  const session = await requirePageSession("/settings");
  const workspace = session.active;
  if (!workspace) redirect("/");
  const admin = isAdminRole(workspace.role ?? "");
  return (
    <>
      <AppHeader session={session} />
      <main className="mx-auto max-w-4xl space-y-10 px-6 py-10">
        <header>
          <WorkspaceName workspaceId={workspace.id} name={workspace.name} canRename={admin} />
          <p className="text-slate-600">
            You are {/^[aeiou]/.test(workspace.role ?? "") ? "an" : "a"} {workspace.role} of this workspace.
          </p>
        </header>
        <MembersSection workspaceId={workspace.id} canManage={admin} selfId={session.user.id} />
        {admin ? <InvitationsSection workspaceId={workspace.id} /> : null}
        {admin ? <ApiKeysSection workspaceId={workspace.id} /> : null}
        <ProviderKeysSection canEdit={admin} />
        <SpendingSection canEdit={admin} />
      </main>
    </>
  );
}
