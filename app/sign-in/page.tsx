import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { pageSession } from "@/lib/auth/page-session";
import { safeReturnTo } from "@/lib/auth/return-to";
import { env } from "@/lib/env";

export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const params = await searchParams;
  const next = safeReturnTo(params.next);
  if (await pageSession()) redirect(next);
  return (
    <main className="mx-auto max-w-sm px-6 py-20">
      <SignInForm next={next} invitation={params.invitation} />
      {env.isProduction ? null : (
        <p className="mt-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Development: <code>npm run dev</code> created a demo account on its first start. Its email and password are in{" "}
          <code>.glaze/dev-credentials.json</code>.
        </p>
      )}
    </main>
  );
}
