import { organizationClient } from "better-auth/client/plugins";
import { createAuthClient } from "better-auth/react";
import { ac, roles } from "../auth/permissions";

/** better-auth in the browser: sign-up, sign-in, sign-out, switching workspace (same origin). */
export const authClient = createAuthClient({ plugins: [organizationClient({ ac, roles })] });

/** The message of a refusal from /api/auth/* (the one error shape) or of a network failure. */
export function authErrorMessage(error: unknown): string {
  const e = error as { error?: { message?: unknown }; message?: unknown; status?: number } | null;
  if (typeof e?.error?.message === "string") return e.error.message;
  if (typeof e?.message === "string" && e.message) return e.message;
  return "Something went wrong; try again";
}
