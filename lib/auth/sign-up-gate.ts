import "server-only";
import { APIError } from "better-auth/api";
import { getDb } from "../db";
import { env } from "../env";

/**
 * GLAZE_ALLOW_SIGNUP=false closes sign-up, read on every attempt (not at start-up). Still
 * allowed then: the first account of an empty database (someone must be able to get in), and
 * the person a pending invitation was sent to, who proves it with the invitation's id (the
 * secret in the invitation link) sent as the x-glaze-invitation header.
 */
export async function checkSignUpAllowed({ email, invitationId }: { email: string; invitationId?: string | null }) {
  if (env.allowSignUp) return;
  const db = getDb();
  if ((await db.user.count()) === 0) return;
  if (invitationId) {
    const invited = await db.invitation.count({
      where: { id: invitationId, email: email.toLowerCase(), status: "pending", expiresAt: { gt: new Date() } },
    });
    if (invited > 0) return;
  }
  throw new APIError("FORBIDDEN", { message: "Sign-up is closed on this Glaze", code: "SIGNUP_DISABLED" });
}
