import "server-only";
import { createHash } from "node:crypto";
import { env } from "../env";
import { AppError } from "../errors";

// The keys that seal stored secrets. GLAZE_SECRET_KEY encrypts; it and the keys listed in
// GLAZE_SECRET_KEY_PREVIOUS decrypt, each found by its id (stored beside every secret), so a
// key can be rotated: set the new key, move the old one to _PREVIOUS, re-save the secrets.

export type SecretKey = { id: string; key: Buffer };

/** 32 bytes, given as 64 hex digits or base64 (what `openssl rand -base64 32` prints). */
export function parseSecretKey(raw: string): Buffer {
  const text = raw.trim();
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, "hex") : Buffer.from(text, "base64");
  if (key.length !== 32) throw new Error("A secret key must be 32 bytes, as 64 hex digits or base64");
  return key;
}

/** A short public id of a key: the first 12 hex digits of its SHA-256 (reveals nothing useful). */
export const keyIdOf = (key: Buffer) => createHash("sha256").update(key).digest("hex").slice(0, 12);

function secretKeyMissing() {
  return new AppError(
    "service_unavailable",
    "Provider keys cannot be stored or read: GLAZE_SECRET_KEY is not set on the server",
  );
}

/** The key that encrypts new secrets. */
export function currentKey(): SecretKey {
  const raw = env.secretKey;
  if (!raw) throw secretKeyMissing();
  const key = parseSecretKey(raw);
  return { id: keyIdOf(key), key };
}

/** The key with this id, current or previous; undefined when none has it. */
export function keyById(id: string): SecretKey | undefined {
  const raws = [env.secretKey, ...env.previousSecretKeys].filter((raw): raw is string => Boolean(raw));
  if (raws.length === 0) throw secretKeyMissing();
  for (const raw of raws) {
    const key = parseSecretKey(raw);
    if (keyIdOf(key) === id) return { id, key };
  }
  return undefined;
}
