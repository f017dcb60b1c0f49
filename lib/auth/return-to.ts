/** Where to go after signing in: only a path of this app, never another site (open redirect). */
export function safeReturnTo(next: unknown, fallback = "/"): string {
  if (typeof next !== "string" || !next.startsWith("/") || next.startsWith("//") || next.includes("\\")) {
    return fallback;
  }
  return next;
}
