import { type NextRequest, NextResponse } from "next/server";
import { checkHost } from "@/lib/api/guard";
import { toErrorResponse } from "@/lib/api/respond";
import { apiHeaders, cameOverHttps, contentSecurityPolicy, securityHeaders } from "@/lib/api/security-headers";

// Runs before every page and API route: refuses unknown hosts, and sets the security headers
// (with a fresh CSP nonce for pages, which Next applies to its own scripts).
export function proxy(request: NextRequest) {
  const https = cameOverHttps(request);
  try {
    checkHost(request.headers.get("host"));
  } catch (error) {
    const refused = toErrorResponse(error);
    for (const [name, value] of Object.entries(securityHeaders({ https }))) refused.headers.set(name, value);
    return refused;
  }
  const headers = securityHeaders({ https });
  if (request.nextUrl.pathname.startsWith("/api/")) {
    const response = NextResponse.next();
    for (const [name, value] of Object.entries(apiHeaders({ https }))) response.headers.set(name, value);
    return response;
  }
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

export const config = {
  // Static build output needs neither a nonce nor a host check of its own. CSV imports skip the
  // proxy too: Next buffers the body of a request that passes it and silently keeps only the
  // first 10 MB (proxyClientMaxBodySize), which would truncate a large import and hold it in
  // memory. Their route() wrapper checks the host itself, and withApiHeaders sets these headers.
  matcher: [
    {
      source:
        "/((?!_next/static|_next/image|favicon.ico|favicon.svg|api/tables/import|api/tables/[0-9a-fA-F-]+/import).*)",
    },
  ],
};
