import { handleAuthRequest } from "@/lib/auth/endpoint";

// GET/POST /api/auth/* – better-auth: sign-up, sign-in, sign-out, session, workspaces, invitations
export const GET = handleAuthRequest;
export const POST = handleAuthRequest;
