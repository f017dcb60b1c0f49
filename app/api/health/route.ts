import { json, otherMethods, publicRoute } from "@/lib/api/handler";
import { checkHealth } from "@/lib/health";

// GET /api/health – liveness plus a database round trip (no credentials needed)
export const GET = publicRoute(async () => json(await checkHealth()));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
