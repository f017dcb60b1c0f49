import "server-only";
import { getAuth } from "./server";

export type VerifiedKey = { id: string; workspaceId: string; scopes: string[] };

/**
 * A workspace API key, if `key` is one that is enabled and unexpired (better-auth compares the
 * SHA-256 of the key with what it stored; the key itself is never stored). Last-used times are
 * written after the response.
 */
export async function readApiKey(key: string): Promise<VerifiedKey | undefined> {
  const result = await getAuth().api.verifyApiKey({ body: { key } });
  if (!result.valid || !result.key) return undefined;
  const permissions = result.key.permissions as Record<string, string[]> | null | undefined;
  return {
    id: result.key.id,
    workspaceId: result.key.referenceId,
    scopes: permissions?.workspace ?? [],
  };
}
