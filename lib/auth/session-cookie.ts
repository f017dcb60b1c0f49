import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { getAuth } from "./server";

// API requests from the grid carry the session cookie. Reading it through better-auth's
// getSession cost ~3 ms per request here (Web Crypto, cookie-cache decoding); this checks the
// same signed cookie the way better-auth signs it (HMAC-SHA256 of the token with its secret,
// base64, after a "."). Pages still go through getSession, which also slides the expiry.

function cookieValue(header: string, name: string): string | undefined {
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

/** The session token of a correctly signed session cookie, or undefined. */
export async function sessionToken(cookieHeader: string | null): Promise<string | undefined> {
  if (!cookieHeader) return undefined;
  const context = await getAuth().$context;
  const raw = cookieValue(cookieHeader, context.authCookies.sessionToken.name);
  if (!raw) return undefined;
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  const dot = value.lastIndexOf(".");
  if (dot < 1) return undefined;
  const token = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1), "base64");
  const expected = createHmac("sha256", context.secret).update(token).digest();
  return given.length === expected.length && timingSafeEqual(given, expected) ? token : undefined;
}
