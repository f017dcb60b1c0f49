import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * A secret for development, generated once and kept under .glaze/ (git-ignored): the same on
 * every start, so sessions survive a restart. Production sets its own (README, Configuration).
 */
export function devSecret(name: string, dir = ".glaze"): string {
  const file = path.join(dir, name);
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dir, { recursive: true });
  const secret = randomBytes(48).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** Where `npm run dev` writes the demo account it creates (see README). */
export const DEV_CREDENTIALS_FILE = ".glaze/dev-credentials.json";

export function writeCredentials(file: string, credentials: object) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
}
