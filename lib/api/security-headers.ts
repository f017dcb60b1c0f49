// Response headers every page and API answer carries. The Content-Security-Policy allows
// scripts only from this origin and those carrying the request's nonce (Next applies it to
// its own scripts); inline styles stay allowed for the grid's virtualizer geometry.

export function contentSecurityPolicy({ nonce, dev }: { nonce: string; dev: boolean }): string {
  return [
    "default-src 'self'",
    // React needs eval in development only, to rebuild server error stacks in the browser.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    // Next's dev server pushes updates over a websocket of its own origin.
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Headers for every response; HSTS only when the request came over HTTPS. */
export function securityHeaders({ https }: { https: boolean }): Record<string, string> {
  return {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    "cross-origin-opener-policy": "same-origin",
    ...(https ? { "strict-transport-security": "max-age=63072000; includeSubDomains" } : {}),
  };
}

/** Whether the request came over HTTPS (directly or through a proxy that says so). */
export function cameOverHttps(request: Request): boolean {
  return new URL(request.url).protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
}

/** Headers of every API answer: the common ones, and a policy that allows the answer nothing. */
export function apiHeaders({ https }: { https: boolean }): Record<string, string> {
  return { ...securityHeaders({ https }), "content-security-policy": "default-src 'none'; frame-ancestors 'none'" };
}

/**
 * Sets the API headers on every answer of an API route, errors included (the proxy runs on
 * pages only, see proxy.ts). A response whose headers cannot change (a redirect) is copied.
 */
export function withApiHeaders<A extends unknown[]>(handler: (request: Request, ...rest: A) => Promise<Response>) {
  return async (request: Request, ...rest: A): Promise<Response> => {
    let response = await handler(request, ...rest);
    const headers = Object.entries(apiHeaders({ https: cameOverHttps(request) }));
    try {
      for (const [name, value] of headers) response.headers.set(name, value);
    } catch {
      response = new Response(response.body, {
        status: response.status,
        statusText: response.statusText,
        headers: new Headers(response.headers),
      });
      for (const [name, value] of headers) response.headers.set(name, value);
    }
    return response;
  };
}
