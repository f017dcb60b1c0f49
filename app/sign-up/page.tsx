import { redirect } from "next/navigation";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { describeInvitation } from "@/lib/auth/invitations";
import { pageSession } from "@/lib/auth/page-session";
import { safeReturnTo } from "@/lib/auth/return-to";

export const dynamic = "force-dynamic";

export default async function SignUpPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const params = await searchParams;
  const next = safeReturnTo(params.next);
  if (await pageSession()) redirect(next);
  const invitation = params.invitation
    ? await describeInvitation({ invitationId: params.invitation }).catch(() => undefined)
    : undefined;
  return (
    <main className="mx-auto max-w-sm px-6 py-20">
      {invitation ? (
        <p className="mb-4 text-sm text-slate-600">
          {invitation.inviterName} invited {invitation.email} to <strong>{invitation.workspaceName}</strong>.
        </p>
      ) : null}
      <SignUpForm next={next} invitation={invitation?.id} email={invitation?.email} />
    </main>
  );
}
