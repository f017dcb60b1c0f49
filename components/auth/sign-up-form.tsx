"use client";

import Link from "next/link";
import { MAX_USER_NAME } from "@/lib/auth/schemas";
import { authClient, authErrorMessage } from "@/lib/client/auth-client";
import { AuthForm } from "./auth-form";
import { useAfterSignIn } from "./use-after-sign-in";

/** Sign-up; an invitee signs up with the invited address, proving the invitation with its id. */
export function SignUpForm({ next, invitation, email }: { next: string; invitation?: string; email?: string }) {
  const { linkQuery, proceed } = useAfterSignIn(next, invitation);
  return (
    <AuthForm
      title="Create your Glaze account"
      submitLabel="Sign up"
      fields={[
        { name: "name", label: "Name", type: "text", autoComplete: "name", maxLength: MAX_USER_NAME },
        { name: "email", label: "Email", type: "email", autoComplete: "email", defaultValue: email, readOnly: !!email },
        {
          name: "password",
          label: "Password (8 characters or more)",
          type: "password",
          autoComplete: "new-password",
          minLength: 8,
          maxLength: 128,
        },
      ]}
      onSubmit={async ({ name, email: address, password }) => {
        const { error } = await authClient.signUp.email(
          { name, email: address, password },
          invitation ? { headers: { "x-glaze-invitation": invitation } } : undefined,
        );
        if (error) return authErrorMessage(error);
        proceed();
        return undefined;
      }}
      footer={
        <p className="text-center text-sm text-slate-600">
          Already have an account?{" "}
          <Link href={`/sign-in?${linkQuery}`} className="font-medium text-blue-700 hover:underline">
            Sign in
          </Link>
        </p>
      }
    />
  );
}
