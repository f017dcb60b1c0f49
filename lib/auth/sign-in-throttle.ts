import "server-only";
import { getDb } from "../db";
import { AppError } from "../errors";

// Password guessing against one account, from any number of addresses. better-auth limits
// sign-in attempts per client address, which only holds when the address is one the client
// cannot choose (a proxy that overwrites X-Forwarded-For); this limit holds regardless: after
// MAX_FAILURES wrong passwords for an email within WINDOW_SECONDS of the first, signing in to
// it is refused (429) until that window ends. Concurrent attempts each pass the check before
// any records its failure, so the attempts in flight can exceed the limit by their number.

export const MAX_FAILURES = 10;
export const WINDOW_SECONDS = 15 * 60;

const normalise = (email: string) => email.trim().toLowerCase();

/** The email a sign-in body names (lower case), or null: better-auth answers a body without one. */
export function signInEmailOf(body: unknown): string | null {
  const given = body && typeof body === "object" ? (body as { email?: unknown }).email : undefined;
  return typeof given === "string" && given.trim() !== "" ? normalise(given) : null;
}

/** Refuses (429, with when to try again) an account that failed too often in its current window. */
export async function checkSignInAllowed(email: string): Promise<void> {
  const [row] = await getDb().$queryRaw<{ wait: number }[]>`
    SELECT ceil(extract(epoch FROM window_started_at + make_interval(secs => ${WINDOW_SECONDS}) - now()))::int AS wait
    FROM sign_in_failures
    WHERE email = ${email} AND failures >= ${MAX_FAILURES}
      AND window_started_at > now() - make_interval(secs => ${WINDOW_SECONDS})`;
  if (row) {
    throw new AppError(
      "too_many_requests",
      `Too many failed sign-ins to this account; try again in ${Math.ceil(row.wait / 60)} minutes`,
      { retryAfterSeconds: Math.max(1, row.wait) },
    );
  }
}

/** Counts a wrong password: a window starts with the first failure after the last one ended. */
export async function recordSignInFailure(email: string): Promise<void> {
  await getDb().$executeRaw`
    INSERT INTO sign_in_failures (email, failures, window_started_at) VALUES (${email}, 1, now())
    ON CONFLICT (email) DO UPDATE SET
      failures = CASE WHEN sign_in_failures.window_started_at > now() - make_interval(secs => ${WINDOW_SECONDS})
        THEN sign_in_failures.failures + 1 ELSE 1 END,
      window_started_at = CASE WHEN sign_in_failures.window_started_at > now() - make_interval(secs => ${WINDOW_SECONDS})
        THEN sign_in_failures.window_started_at ELSE now() END`;
}

/** A successful sign-in forgets the account's failures; now and then, windows long over are forgotten too. */
export async function clearSignInFailures(email: string): Promise<void> {
  await getDb().$executeRaw`
    DELETE FROM sign_in_failures
    WHERE email = ${email} OR window_started_at < now() - make_interval(secs => ${WINDOW_SECONDS * 4})`;
}
