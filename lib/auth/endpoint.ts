import "server-only";
import { checkHost } from "../api/guard";
import { authRefusal, toErrorResponse } from "../api/respond";
import { AppError } from "../errors";
import { getAuth } from "./server";
import { checkSignInAllowed, clearSignInFailures, readSignIn, recordSignInFailure } from "./sign-in-throttle";

/**
 * better-auth answers sign-up, sign-in and get-session with the session token in the body too;
 * the cookie (HttpOnly, out of reach of scripts) must stay its only carrier, so it is removed.
 */
async function withoutSessionTokens(response: Response): Promise<Response> {
  if (!response.headers.get("content-type")?.includes("application/json")) return response;
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return new Response(text, { status: response.status, headers: response.headers });
  }
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (!value || typeof value !== "object") return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== "token")
        .map(([key, inner]) => [key, strip(inner)]),
    );
  };
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return new Response(JSON.stringify(strip(body)), { status: response.status, headers });
}

/**
 * better-auth's own endpoints (/api/auth/*: sign-up, sign-in, sign-out, workspaces, invitations)
 * behind the same host check as every route, their refusals in the one error shape (better-auth's
 * own code kept in details), a standard Retry-After on its rate limit, and the limit of failed
 * sign-ins per account (sign-in-throttle.ts).
 */
export async function handleAuthRequest(received: Request): Promise<Response> {
  try {
    checkHost(received.headers.get("host") ?? new URL(received.url).host);
    let request = received;
    let signIn: string | null = null;
    if (received.method === "POST" && new URL(received.url).pathname === "/api/auth/sign-in/email") {
      ({ email: signIn, request } = await readSignIn(received));
      if (signIn) await checkSignInAllowed(signIn);
    }
    const response = await getAuth().handler(request);
    if (signIn && response.status === 401) await recordSignInFailure(signIn);
    if (signIn && response.status < 300) await clearSignInFailures(signIn);
    if (response.status < 400) return withoutSessionTokens(response);
    let body: { message?: unknown; code?: unknown } = {};
    try {
      body = await response.clone().json();
    } catch {}
    const message = typeof body.message === "string" && body.message ? body.message : response.statusText || "Refused";
    const refusal =
      authRefusal(response.status, { ...body, message }) ??
      new AppError(response.status >= 500 ? "internal_error" : "bad_request", message);
    const refused = toErrorResponse(refusal);
    const retryAfter = response.headers.get("x-retry-after");
    if (retryAfter) refused.headers.set("retry-after", retryAfter);
    for (const cookie of response.headers.getSetCookie()) refused.headers.append("set-cookie", cookie);
    return refused;
  } catch (error) {
    return toErrorResponse(error);
  }
}
