import "server-only";
import { apiKey } from "@better-auth/api-key";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { nextCookies } from "better-auth/next-js";
import { organization } from "better-auth/plugins/organization";
import { trustedOriginsFor } from "../api/guard";
import { getDb } from "../db";
import { env } from "../env";
import { afterUserCreated } from "./bootstrap";
import { ac, roles } from "./permissions";
import { checkProfile, checkWorkspaceFields } from "./profile-check";
import { checkSignUpAllowed } from "./sign-up-gate";

// better-auth, configured for Glaze: email and password, workspaces (its organization plugin),
// workspace-owned API keys. Created lazily: importing a route at build time needs neither the
// database nor BETTER_AUTH_SECRET.

/** Prefix of every API key, so a leaked one is recognisable (secret scanners, logs). */
export const API_KEY_PREFIX = "glz_";

function createAuth() {
  const db = getDb();
  return betterAuth({
    appName: "Glaze",
    logger: { level: "warn", log: logAuthMessage },
    baseURL: env.authUrl,
    secret: env.authSecret,
    // The same origins Glaze's own routes accept writes from (lib/api/guard.ts): the page's own,
    // also when opened at 127.0.0.1 instead of localhost (better-auth said "Invalid origin").
    trustedOrigins: (request) => trustedOriginsFor(request).map((url) => URL.parse(url)?.origin),
    database: prismaAdapter(db, { provider: "postgresql", transaction: true }),
    emailAndPassword: { enabled: true, minPasswordLength: 8, maxPasswordLength: 128 },
    session: {
      expiresIn: 60 * 60 * 24 * 7,
      updateAge: 60 * 60 * 24,
      // No signed copy of the session in a cookie: with one, a session signed out or revoked
      // stayed usable on better-auth's own endpoints (inviting, creating workspaces) for the
      // copy's lifetime. Glaze's routes read the session from the database anyway.
      cookieCache: { enabled: false },
    },
    rateLimit: {
      enabled: true,
      storage: "database",
      window: 60,
      max: 100,
      customRules: {
        "/sign-in/email": { window: 60, max: 10 },
        "/sign-up/email": { window: 60 * 60, max: 10 },
        "/get-session": false,
      },
    },
    advanced: {
      database: { generateId: "uuid" },
      useSecureCookies: env.isProduction && (env.authUrl ?? env.publicUrl ?? "").startsWith("https://"),
      // The Origin check runs under tests too (better-auth turns it off when NODE_ENV is test),
      // so that they check what production does.
      disableOriginCheck: false,
    },
    databaseHooks: {
      user: {
        create: {
          before: async (user, ctx) => {
            checkProfile(user);
            await checkSignUpAllowed({ email: user.email, invitationId: ctx?.headers?.get("x-glaze-invitation") });
          },
          after: async (user) => {
            await afterUserCreated({ userId: user.id });
          },
        },
        update: {
          before: async (user) => {
            checkProfile(user);
          },
        },
      },
      session: {
        create: {
          // New sessions start in the person's first workspace.
          before: async (session) => {
            const first = await db.member.findFirst({
              where: { userId: session.userId },
              orderBy: { createdAt: "asc" },
              select: { organizationId: true },
            });
            return { data: { ...session, activeOrganizationId: first?.organizationId ?? null } };
          },
        },
      },
    },
    // Keys are created through Glaze's own route (scoped, workspace-checked); over better-auth's
    // HTTP endpoints a member could otherwise mint unscoped keys.
    // Invitations are listed by /api/workspaces/:id/invitations, to owners and admins only: the
    // organization plugin's own lists gave every member, viewers too, the pending invitations'
    // ids, and an id is what lets someone sign up and join with the invitation's role.
    // Members' roles are changed, and members removed (or leave), through Glaze's own routes
    // (/api/workspaces/:id/members/:memberId), which lock the workspace's members for the
    // change: the organization plugin's check-then-write let two owners demote each other at
    // once and leave the workspace without an owner.
    disabledPaths: [
      "/organization/update-member-role",
      "/organization/remove-member",
      "/organization/leave",
      "/api-key/create",
      "/api-key/update",
      "/organization/list-invitations",
      "/organization/get-full-organization",
    ],
    plugins: [
      organization({
        ac,
        roles,
        creatorRole: "owner",
        invitationExpiresIn: 60 * 60 * 24 * 7,
        cancelPendingInvitationsOnReInvite: true,
        organizationHooks: {
          beforeCreateOrganization: async ({ organization }) => checkWorkspaceFields(organization),
          beforeUpdateOrganization: async ({ organization }) => checkWorkspaceFields(organization),
        },
      }),
      apiKey({
        references: "organization",
        defaultPrefix: API_KEY_PREFIX,
        // "glz_" and 8 characters of the key: enough to tell keys apart in a list (6 in all, the
        // default, left 2), far too few to guess the rest of 64.
        startingCharactersConfig: { charactersLength: API_KEY_PREFIX.length + 8 },
        requireName: true,
        maximumNameLength: 64,
        rateLimit: { enabled: false },
        deferUpdates: true,
      }),
      nextCookies(),
    ],
  });
}

/**
 * better-auth's messages, minus the ones that only restate a refusal the client already got
 * (a bad API key is a 401, not an error of ours). Arguments are never printed whole: they can
 * carry request bodies.
 */
function logAuthMessage(level: "debug" | "info" | "warn" | "error", message: string, ...args: unknown[]) {
  if (/Failed to validate API key|Invalid API key|^Invalid password$|^User not found$/i.test(message)) return;
  // Without GLAZE_PUBLIC_URL the origin is each request's own, which proxy.ts has already
  // checked against the allowed hosts: expected in development and tests, worth saying in production.
  if (!env.isProduction && /Base URL is not set/.test(message)) return;
  const detail = args.map((a) => (a instanceof Error ? a.message : "")).filter(Boolean);
  const line = `[auth] ${message}${detail.length ? ` (${detail.join("; ")})` : ""}`;
  if (level === "error") console.error(line);
  else console.warn(line);
}

export type Auth = ReturnType<typeof createAuth>;
const globalForAuth = globalThis as unknown as { glazeAuth?: Auth };

export function getAuth(): Auth {
  globalForAuth.glazeAuth ??= createAuth();
  return globalForAuth.glazeAuth;
}
