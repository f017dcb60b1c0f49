"use client";

import Link from "next/link";
import { authClient, authErrorMessage } from "@/lib/client/auth-client";
import { AuthForm } from "./auth-form";
import { useAfterSignIn } from "./use-after-sign-in";

export function SignInForm({ next, invitation }: { next: string; invitation?: string }) {
  const { linkQuery, proceed } = useAfterSignIn(next, invitation);
  return (
    <AuthForm
      title="Sign in to Glaze"
      submitLabel="Sign in"
      fields={[
        { name: "email", label: "Email", type: "email", autoComplete: "email" },
        { name: "password", label: "Password", type: "password", autoComplete: "current-password" },
      ]}
      onSubmit={async ({ email, password }) => {
        const { error } = await authClient.signIn.email({ email, password });
        if (error) return authErrorMessage(error);
        proceed();
        return undefined;
      }}
      footer={
        <p className="text-center text-sm text-slate-600">
          No account yet?{" "}
          <Link href={`/sign-up?${linkQuery}`} className="font-medium text-blue-700 hover:underline">
            Sign up
          </Link>
        </p>
      }
    />
  );
}
