import Link from "next/link";
import { AcceptInvitation } from "@/components/auth/accept-invitation";
import { AccountMenu } from "@/components/shell/account-menu";
import { describeInvitation } from "@/lib/auth/invitations";
import { pageSession } from "@/lib/auth/page-session";

export const dynamic = "force-dynamic";

// An invitation link: an admin copied it from the workspace settings and sent it by hand.
export default async function InvitePage({ params }: { params: Promise<{ invitationId: string }> }) {
  const { invitationId } = await params;
  const invitation = /^[0-9a-f-]{36}$/i.test(invitationId)
    ? await describeInvitation({ invitationId }).catch(() => undefined)
    : undefined;
  if (!invitation) {
    return (
      <main className="mx-auto max-w-md px-6 py-20 text-center">
        <h1 className="text-xl font-semibold">This invitation is not valid</h1>
        <p className="mt-2 text-slate-600">It was used, cancelled, or it expired. Ask for a new link.</p>
      </main>
    );
  }
  const session = await pageSession();
  const here = `/invite/${invitation.id}`;
  const query = new URLSearchParams({ invitation: invitation.id, next: here });
  const forThem = session?.user.email.toLowerCase() === invitation.email.toLowerCase();
  return (
    <main className="mx-auto max-w-md space-y-4 px-6 py-20">
      <h1 className="text-xl font-semibold">Join {invitation.workspaceName}</h1>
      <p className="text-slate-600">
        {invitation.inviterName} invited <strong>{invitation.email}</strong> to the workspace{" "}
        <strong>{invitation.workspaceName}</strong> as {invitation.role ?? "member"}.
      </p>
      {!session ? (
        <p className="flex gap-3">
          <Link href={`/sign-up?${query}`} className="rounded-md bg-slate-900 px-4 py-2 text-sm text-white">
            Sign up as {invitation.email}
          </Link>
          <Link href={`/sign-in?${query}`} className="rounded-md border border-slate-300 px-4 py-2 text-sm">
            Sign in
          </Link>
        </p>
      ) : forThem ? (
        <AcceptInvitation invitationId={invitation.id} workspaceName={invitation.workspaceName} />
      ) : (
        <div className="space-y-3 rounded-md bg-amber-50 p-3 text-sm text-amber-900">
          <p>
            You are signed in as {session.user.email}; this invitation is for {invitation.email}. Sign out, then open
            the link again.
          </p>
          <AccountMenu email={session.user.email} />
        </div>
      )}
    </main>
  );
}
