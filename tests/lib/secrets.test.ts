import { randomBytes } from "node:crypto";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { getDb } from "@/lib/db";
import { readSecret, storeCredential } from "@/lib/providers/credentials";
import { open, SecretUnreadable, seal } from "@/lib/secrets/cipher";
import { keyIdOf, parseSecretKey } from "@/lib/secrets/keyring";
import { createWorkspace, testAccount } from "../support/auth";

// Provider keys and alerts belong to a workspace: the file's test account's.
let workspaceId = "";
beforeAll(async () => {
  workspaceId = (await testAccount()).workspaceId;
});

// Secrets at rest: AES-256-GCM with a random 96-bit IV per value, the tag stored, the sealing
// key's id stored for rotation, and the value bound to where it is stored.

const keyA = randomBytes(32).toString("base64");
const keyB = randomBytes(32).toString("hex");

afterEach(() => {
  process.env.GLAZE_SECRET_KEY = keyA;
  delete process.env.GLAZE_SECRET_KEY_PREVIOUS;
});

describe("lib/secrets", () => {
  test("seals with a fresh 12-byte IV and a 16-byte tag; opens only with the same associated data", () => {
    process.env.GLAZE_SECRET_KEY = keyA;
    const a = seal("sk-live-1234567890", "here");
    const b = seal("sk-live-1234567890", "here");
    expect(a.iv).toHaveLength(12);
    expect(a.authTag).toHaveLength(16);
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.ciphertext.toString("utf8")).not.toContain("sk-live");
    expect(open(a, "here")).toBe("sk-live-1234567890");
    expect(() => open(a, "elsewhere")).toThrow(SecretUnreadable);
  });

  test("a changed byte fails authentication instead of decrypting to something else", () => {
    process.env.GLAZE_SECRET_KEY = keyA;
    const sealed = seal("secret-value", "aad");
    const tampered = { ...sealed, ciphertext: Buffer.from(sealed.ciphertext) };
    tampered.ciphertext[0] = (tampered.ciphertext[0] ?? 0) ^ 1;
    expect(() => open(tampered, "aad")).toThrow(/authentication failed/);
  });

  test("rotation: a value sealed with the old key opens once that key is listed in GLAZE_SECRET_KEY_PREVIOUS", () => {
    process.env.GLAZE_SECRET_KEY = keyA;
    const old = seal("rotated", "aad");
    expect(old.keyId).toBe(keyIdOf(parseSecretKey(keyA)));
    process.env.GLAZE_SECRET_KEY = keyB;
    expect(() => open(old, "aad")).toThrow(/not configured/);
    process.env.GLAZE_SECRET_KEY_PREVIOUS = keyA;
    expect(open(old, "aad")).toBe("rotated");
    expect(seal("new", "aad").keyId).toBe(keyIdOf(parseSecretKey(keyB)));
  });

  test("keys must be 32 bytes (hex or base64); without GLAZE_SECRET_KEY nothing is sealed", () => {
    expect(() => parseSecretKey("short")).toThrow(/32 bytes/);
    delete process.env.GLAZE_SECRET_KEY;
    expect(() => seal("x", "aad")).toThrow(/GLAZE_SECRET_KEY is not set/);
  });

  test("a stored provider key is ciphertext in the database and reads back in clear", async () => {
    process.env.GLAZE_SECRET_KEY = keyA;
    const saved = await storeCredential({
      workspaceId,
      vendor: "hunter",
      secret: "hunter-key-abcdef-9876",
    });
    expect(saved).toMatchObject({ provider: "hunter", name: "default", last4: "9876" });
    const row = await getDb().providerCredential.findFirstOrThrow({ where: { provider: "hunter" } });
    expect(Buffer.from(row.ciphertext).toString("latin1")).not.toContain("hunter-key");
    expect(row.workspaceId).toBe(workspaceId);
    expect(await readSecret({ workspaceId, vendor: "hunter" })).toBe("hunter-key-abcdef-9876");
    // Another workspace reading the same row's bytes cannot decrypt them (bound by the AAD).
    const other = await createWorkspace((await testAccount()).owner.userId, "Other");
    await getDb().providerCredential.create({ data: { ...row, id: undefined, workspaceId: other } });
    await expect(readSecret({ workspaceId: other, vendor: "hunter" })).rejects.toThrow(SecretUnreadable);
  });
});
