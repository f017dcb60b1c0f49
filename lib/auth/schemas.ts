import { z } from "zod";
import { storableString } from "../api/text";
import { API_KEY_SCOPES, ROLES, withImpliedScopes } from "./permissions";

/** Longest name a person may give themselves (profile-check.ts; the sign-up form checks it first). */
export const MAX_USER_NAME = 100;

/** Longest workspace name, here and on better-auth's own endpoints (profile-check.ts). */
export const MAX_WORKSPACE_NAME = 100;

export const createWorkspaceSchema = z.strictObject({
  name: storableString().trim().min(1).max(MAX_WORKSPACE_NAME).describe("Workspace name"),
});

export const renameWorkspaceSchema = createWorkspaceSchema;

export const createApiKeySchema = z.strictObject({
  name: storableString().trim().min(1).max(64).describe("What the key is for, e.g. 'CRM sync'"),
  scopes: z
    .array(z.enum(API_KEY_SCOPES))
    .min(1, "give at least one scope")
    .transform(withImpliedScopes)
    .describe(
      "read: read tables; write: change them; enrich: start enrichment (spends credits); write and enrich include read",
    ),
  expiresInDays: z.int().min(1).max(365).optional().describe("The key stops working after this many days"),
});
export type CreateApiKeyInput = z.output<typeof createApiKeySchema>;

export const inviteSchema = z.strictObject({
  email: z.email().max(254).describe("Who is invited; they sign up or in with this address"),
  role: z.enum(ROLES).default("member"),
});
export type InviteInput = z.output<typeof inviteSchema>;

export const updateMemberSchema = z.strictObject({ role: z.enum(ROLES) });
