import "server-only";
import { env } from "../env";
import { AppError } from "../errors";

// Checks every request must pass before any handler runs (the proxy and the route wrapper
// both call them): the Host it was sent to, and for writes, the page that sent it.

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);
const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function hostnameOf(host: string): string {
  const value = host.trim().toLowerCase();
  if (value.startsWith("[")) return value.slice(0, value.indexOf("]") + 1);
  return value.split(":")[0];
}

function allowedHostnames(): Set<string> {
  const hosts = new Set([...LOCAL_HOSTS, ...env.allowedHosts.map(hostnameOf)]);
  if (env.publicUrl) hosts.add(new URL(env.publicUrl).hostname.toLowerCase());
  return hosts;
}

/**
 * Refuses a request sent to a host name the app does not serve. A page on another site can
 * point its own name at 127.0.0.1 (DNS rebinding) and then read the API as same-origin; its
 * requests still carry that other name in Host.
 */
export function checkHost(host: string | null) {
  if (env.allowedHosts.includes("*")) return;
  if (host && allowedHostnames().has(hostnameOf(host))) return;
  throw new AppError(
    "misdirected_request",
    `This server does not answer to the host "${host ?? ""}". Add it to GLAZE_ALLOWED_HOSTS (or set GLAZE_PUBLIC_URL).`,
  );
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * The origin a request was sent to as its Host header names it, when the app answers to that
 * host (checkHost): the app's own pages opened at http://127.0.0.1:3000 write with that Origin,
 * while Next's request.url says localhost. Undefined for a host the app does not serve.
 */
export function hostOrigin(request: Request): string | undefined {
  const host = request.headers.get("host");
  if (!host) return undefined;
  try {
    checkHost(host);
  } catch {
    return undefined;
  }
  return originOf(`${new URL(request.url).protocol}//${host}`);
}

/** The origins whose pages may write: the request's own (by URL and by Host), the public URL, GLAZE_TRUSTED_ORIGINS. */
export function trustedOriginsFor(request: Request | undefined): string[] {
  const listed = [...env.trustedOrigins, ...(env.publicUrl ? [env.publicUrl] : [])];
  if (!request) return listed;
  const own = hostOrigin(request);
  return [request.url, ...(own ? [own] : []), ...listed];
}

/**
 * Refuses a write sent by a page of another site (a form with enctype=text/plain, a no-cors
 * fetch): browsers always say who sent a cross-site write, in Origin or Sec-Fetch-Site.
 * Clients that are not browsers send neither and are let through (they need credentials
 * for anything once accounts exist).
 */
export function checkOrigin(request: Request) {
  if (!WRITE_METHODS.has(request.method)) return;
  const origin = request.headers.get("origin");
  const site = request.headers.get("sec-fetch-site");
  if (origin === null) {
    if (site === "cross-site") throw crossSite("another site");
    return;
  }
  const sender = originOf(origin);
  const trusted = trustedOriginsFor(request).map(originOf);
  if (sender === undefined || !trusted.includes(sender)) throw crossSite(origin);
}

function crossSite(origin: string) {
  return new AppError("forbidden", `Writes from ${origin} are not accepted: send them from the app's own pages`);
}

/**
 * A write authenticated by the session cookie must come from the app's own pages, with an
 * Origin that says so (CSRF): the cookie travels with requests other sites make too.
 */
export function checkSessionOrigin(request: Request) {
  if (!WRITE_METHODS.has(request.method)) return;
  if (request.headers.get("origin") === null) {
    throw new AppError("forbidden", "A signed-in write must come from the app's own pages (no Origin header was sent)");
  }
}
