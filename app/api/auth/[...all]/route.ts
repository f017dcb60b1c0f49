import { otherMethods } from "@/lib/api/handler";
import { withApiHeaders } from "@/lib/api/security-headers";
import { handleAuthRequest } from "@/lib/auth/endpoint";

// GET/POST /api/auth/* – better-auth: sign-up, sign-in, sign-out, session, workspaces, invitations
export const GET = withApiHeaders(handleAuthRequest);
export const POST = withApiHeaders(handleAuthRequest);

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET", "POST");
