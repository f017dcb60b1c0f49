import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { currentKey, keyById } from "./keyring";

// AES-256-GCM for secrets at rest: a random 96-bit IV per value, the 128-bit authentication
// tag stored beside the ciphertext (a changed byte fails to decrypt rather than giving a wrong
// key), and the id of the key that sealed it. `aad` binds a sealed value to where it is stored
// (workspace, provider, name), so a ciphertext copied to another row does not decrypt.

export type Sealed = { ciphertext: Buffer; iv: Buffer; authTag: Buffer; keyId: string };

export function seal(plaintext: string, aad: string): Sealed {
  const { id, key } = currentKey();
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return { ciphertext, iv, authTag: cipher.getAuthTag(), keyId: id };
}

export class SecretUnreadable extends Error {
  constructor(reason: string) {
    super(`A stored secret cannot be decrypted: ${reason}`);
    this.name = "SecretUnreadable";
  }
}

export function open(sealed: Sealed, aad: string): string {
  const found = keyById(sealed.keyId);
  if (!found) throw new SecretUnreadable(`it was sealed with key ${sealed.keyId}, which is not configured`);
  try {
    const decipher = createDecipheriv("aes-256-gcm", found.key, sealed.iv);
    decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(sealed.authTag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretUnreadable("its authentication failed (tampered, or another key)");
  }
}
