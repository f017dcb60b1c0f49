import "server-only";
import { readBodyBytes } from "../api/body";
import { checkHost } from "../api/guard";
import { authRefusal, toErrorResponse } from "../api/respond";
import { getDb } from "../db";
import { AppError } from "../errors";
import { getAuth } from "./server";
import { clearSignInFailures, releaseSignInAttempt, reserveSignInAttempt, signInEmailOf } from "./sign-in-throttle";

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

/** better-auth's bodies are small (credentials, names, ids): more is refused (413) before it is read in full. */
const AUTH_BODY_LIMIT = 64 * 1024;

/**
 * A POST's body, read once (bounded) and handed to better-auth again: JSON that does not parse
 * is refused here as every route refuses it (400 invalid_json), and the sign-in limit reads the
 * email from it.
 */
async function readAuthBody(request: Request): Promise<{ request: Request; body: unknown }> {
  if (request.method !== "POST" || !request.body) return { request, body: undefined };
  const bytes = await readBodyBytes(request, AUTH_BODY_LIMIT, "The request body");
  let body: unknown;
  const type = request.headers.get("content-type");
  // application/json only, as on every route: better-auth would also take a form body, which a
  // page of another site can post and the sign-in limit would not read; and it refuses the
  // +json types with a 415 of its own that names form bodies as allowed.
  if (bytes.length > 0 && type?.split(";")[0].trim().toLowerCase() !== "application/json") {
    throw new AppError(
      "unsupported_media_type",
      type ? `Send the body as application/json, not ${type}` : "Send the body as application/json",
    );
  }
  if (bytes.length > 0) {
    try {
      body = JSON.parse(bytes.toString("utf8"));
    } catch (error) {
      throw new AppError("invalid_json", `The request body is not valid JSON: ${(error as Error).message}`);
    }
  }
  const again = new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: new Uint8Array(bytes),
  });
  return { request: again, body };
}

/**
 * The better-auth endpoints served over HTTP: the person's own account and sessions, and
 * switching workspace. Everything else better-auth offers (its organization, member,
 * invitation and API-key endpoints) is done through Glaze's routes, which check names, roles
 * and the last owner and lock what they change; over HTTP those endpoints skipped all that
 * (a blank workspace name, a javascript: logo, deleting a workspace with its tables in one call).
 */
const SERVED = new Set([
  "/sign-up/email",
  "/sign-in/email",
  "/sign-out",
  "/get-session",
  "/update-user",
  "/change-password",
  "/list-sessions",
  "/revoke-session",
  "/revoke-sessions",
  "/revoke-other-sessions",
  "/organization/set-active",
]);

function refuseUnserved(request: Request) {
  const path = new URL(request.url).pathname.replace(/^\/api\/auth/, "").replace(/\/+$/, "");
  if (SERVED.has(path)) return;
  const instead = path.startsWith("/organization/")
    ? ": workspaces, members and invitations are managed through /api/workspaces and /api/invitations"
    : path.startsWith("/api-key/")
      ? ": API keys are managed through /api/workspaces/:id/api-keys"
      : "";
  throw new AppError("not_found", `No such endpoint: /api/auth${path}${instead}`);
}

/** A POST to better-auth with another JSON body (the same headers, but for the length). */
function withBody(request: Request, body: unknown): Request {
  const headers = new Headers(request.headers);
  headers.delete("content-length");
  return new Request(request.url, { method: "POST", headers, body: JSON.stringify(body) });
}

/**
 * Sessions are named by their id: list-sessions answers no tokens (withoutSessionTokens), so
 * revoke-session takes `{ id }` (or the `{ token }` better-auth takes) and is refused (404) for
 * what is no session of the caller's; better-auth answered `{ status: true }` and revoked
 * nothing. change-password signs the person's other sessions out unless it is told
 * `revokeOtherSessions: false`: whoever held the old password stays out.
 */
async function sessionRequest(request: Request, body: unknown): Promise<Request> {
  const path = new URL(request.url).pathname.replace(/\/+$/, "");
  const given = body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  if (path === "/api/auth/change-password" && given.revokeOtherSessions === undefined) {
    return withBody(request, { ...given, revokeOtherSessions: true });
  }
  if (path !== "/api/auth/revoke-session") return request;
  const unknown = Object.keys(given).filter((key) => key !== "id" && key !== "token");
  if (unknown.length > 0) {
    throw new AppError(
      "validation_failed",
      "Name the session by its id only",
      unknown.map((key) => ({ path: key, message: "unknown key: give id (or token)" })),
    );
  }
  const id = typeof given.id === "string" ? given.id : undefined;
  const token = typeof given.token === "string" ? given.token : undefined;
  if (!id && !token) {
    throw new AppError("validation_failed", "Name the session to sign out by its id (from list-sessions)", [
      { path: "id", message: "required" },
    ]);
  }
  const current = await getAuth().api.getSession({ headers: request.headers });
  if (!current) throw new AppError("unauthorized", "Sign in to manage your sessions");
  const session = await getDb().session.findFirst({
    where: { userId: current.user.id, ...(id ? { id } : { token }) },
    select: { token: true },
  });
  if (!session) throw new AppError("not_found", "You have no such session (it ended, or is not yours)");
  return withBody(request, { token: session.token });
}

/** A wait in seconds as people say it: "40 seconds", "1 minute", "59 minutes". */
function waitText(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} second${Math.ceil(seconds) === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

/**
 * better-auth's own endpoints (/api/auth/*: sign-up, sign-in, sign-out, sessions, the active workspace)
 * behind the same host check as every route, their refusals in the one error shape (better-auth's
 * own code kept in details), a standard Retry-After on its rate limit, and the limit of failed
 * sign-ins per account (sign-in-throttle.ts).
 */
export async function handleAuthRequest(received: Request): Promise<Response> {
  try {
    checkHost(received.headers.get("host") ?? new URL(received.url).host);
    refuseUnserved(received);
    const read = await readAuthBody(received);
    const sent = read.body;
    const request = await sessionRequest(read.request, sent);
    const signIn = new URL(request.url).pathname === "/api/auth/sign-in/email" ? signInEmailOf(sent) : null;
    if (signIn) await reserveSignInAttempt(signIn);
    const response = await getAuth().handler(request);
    if (signIn && response.status < 300) await clearSignInFailures(signIn);
    else if (signIn && response.status !== 401) await releaseSignInAttempt(signIn);
    if (response.status < 400) return withoutSessionTokens(response);
    let body: { message?: unknown; code?: unknown } = {};
    try {
      body = await response.clone().json();
    } catch {}
    const message = typeof body.message === "string" && body.message ? body.message : response.statusText || "Refused";
    const refusal =
      authRefusal(response.status, { ...body, message }) ??
      new AppError(response.status >= 500 ? "internal_error" : "bad_request", message);
    const retryAfter = response.headers.get("x-retry-after");
    // Its rate limit says only "try again later": how much later is in the message too.
    const wait = Number(retryAfter);
    if (refusal.code === "too_many_requests" && retryAfter && Number.isFinite(wait) && wait > 0) {
      refusal.message = `Too many attempts from this address: try again in ${waitText(wait)}`;
    }
    const refused = toErrorResponse(refusal);
    if (retryAfter) refused.headers.set("retry-after", retryAfter);
    for (const cookie of response.headers.getSetCookie()) refused.headers.append("set-cookie", cookie);
    return refused;
  } catch (error) {
    return toErrorResponse(error);
  }
}
