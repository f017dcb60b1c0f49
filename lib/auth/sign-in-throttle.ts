import "server-only";
import { isStorable, NOT_STORABLE } from "../api/text";
import { getDb } from "../db";
import { AppError } from "../errors";

// Password guessing against one account, from any number of addresses. better-auth limits
// sign-in attempts per client address, which only holds when the address is one the client
// cannot choose (a proxy that overwrites X-Forwarded-For); this limit holds regardless: each
// attempt for an email is counted before its password is checked (one atomic statement), and
// once MAX_FAILURES attempts in WINDOW_SECONDS from the first are over, signing in to it is
// refused (429) until that window ends, so concurrent guesses get no more than 10 checks
// either. A successful sign-in forgets the count; an attempt better-auth refused without
// checking a password (a malformed body) is given back.

export const MAX_FAILURES = 10;
export const WINDOW_SECONDS = 15 * 60;

const normalise = (email: string) => email.trim().toLowerCase();

/** The email a sign-in body names (lower case), or null: better-auth answers a body without one. */
export function signInEmailOf(body: unknown): string | null {
  const given = body && typeof body === "object" ? (body as { email?: unknown }).email : undefined;
  return typeof given === "string" && given.trim() !== "" ? normalise(given) : null;
}

/**
 * Counts an attempt to sign in to `email` before its password is checked, and refuses it
 * (429, with when to try again) when it is one too many for the current window. A window
 * starts with the first attempt after the last one ended.
 */
export async function reserveSignInAttempt(email: string): Promise<void> {
  if (!isStorable(email)) {
    throw new AppError("validation_failed", "The email is invalid", [{ path: "email", message: NOT_STORABLE }]);
  }
  const [row] = await getDb().$queryRaw<{ failures: number; wait: number }[]>`
    INSERT INTO sign_in_failures (email, failures, window_started_at) VALUES (${email}, 1, now())
    ON CONFLICT (email) DO UPDATE SET
      failures = CASE WHEN sign_in_failures.window_started_at > now() - make_interval(secs => ${WINDOW_SECONDS})
        THEN sign_in_failures.failures + 1 ELSE 1 END,
      window_started_at = CASE WHEN sign_in_failures.window_started_at > now() - make_interval(secs => ${WINDOW_SECONDS})
        THEN sign_in_failures.window_started_at ELSE now() END
    RETURNING failures,
      ceil(extract(epoch FROM window_started_at + make_interval(secs => ${WINDOW_SECONDS}) - now()))::int AS wait`;
  if (row && row.failures > MAX_FAILURES) {
    throw new AppError(
      "too_many_requests",
      `Too many failed sign-ins to this account; try again in ${Math.ceil(row.wait / 60)} minutes`,
      { retryAfterSeconds: Math.max(1, row.wait) },
    );
  }
}

/** An attempt that checked no password (better-auth refused its body) does not count. */
export async function releaseSignInAttempt(email: string): Promise<void> {
  await getDb().$executeRaw`
    UPDATE sign_in_failures SET failures = greatest(failures - 1, 0) WHERE email = ${email}`;
}

/** A successful sign-in forgets the account's count, and every window long over with it. */
export async function clearSignInFailures(email: string): Promise<void> {
  await getDb().$executeRaw`
    DELETE FROM sign_in_failures
    WHERE email = ${email} OR window_started_at < now() - make_interval(secs => ${WINDOW_SECONDS * 4})`;
}
