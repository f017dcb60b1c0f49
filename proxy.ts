import { type NextRequest, NextResponse } from "next/server";
import { checkHost } from "@/lib/api/guard";
import { toErrorResponse } from "@/lib/api/respond";
import { apiHeaders, cameOverHttps, contentSecurityPolicy, securityHeaders } from "@/lib/api/security-headers";
import { AppError } from "@/lib/errors";

// Runs before every page: refuses unknown hosts, and sets the security headers (with a fresh
// CSP nonce, which Next applies to its own scripts).
export function proxy(request: NextRequest) {
  const https = cameOverHttps(request);
  const { pathname } = new URL(request.url);
  if (pathname.startsWith("/api/")) return malformedApiPath(pathname, https);
  try {
    checkHost(request.headers.get("host"));
  } catch (error) {
    const refused = toErrorResponse(error);
    for (const [name, value] of Object.entries(securityHeaders({ https }))) refused.headers.set(name, value);
    return refused;
  }
  const headers = securityHeaders({ https });
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const csp = contentSecurityPolicy({ nonce, dev: process.env.NODE_ENV === "development" });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  response.headers.set("content-security-policy", csp);
  return response;
}

/**
 * An API path whose percent-encoding is not UTF-8 (`/api/tables/%ED%A0%80`, `/api/tables/%E0%A4%A`):
 * Next cannot decode its parameters and answers its own HTML error page; the API answers in its
 * one JSON error shape. Only such paths reach the proxy (the matcher below).
 */
function malformedApiPath(pathname: string, https: boolean) {
  try {
    decodeURIComponent(pathname);
    return NextResponse.next();
  } catch {
    const refused = toErrorResponse(
      new AppError(
        "bad_request",
        "The request's path is not valid percent-encoded UTF-8 (an id or name in it is garbled)",
      ),
    );
    for (const [name, value] of Object.entries(apiHeaders({ https }))) refused.headers.set(name, value);
    return refused;
  }
}

export const config = {
  // Static build output needs neither a nonce nor a host check of its own. API routes skip the
  // proxy: their wrappers (route(), publicRoute(), app/api/[...path] for paths no route serves)
  // check the host and set the API's headers themselves, at ~1.3 ms less CPU a request than
  // passing the proxy (bench/README.md, "2026-12-03, fifth session"). Passing it would also make
  // Next buffer a request's body and keep only its first 10 MB (proxyClientMaxBodySize), which
  // would truncate a large CSV import.
  // API paths with a percent sign do pass it, to be refused in JSON when Next could not decode
  // them (malformedApiPath).
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico|favicon.svg|api/).*)" }, { source: "/api/(.*%.*)" }],
};
