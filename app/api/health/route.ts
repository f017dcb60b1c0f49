import { json, route } from "@/lib/api/handler";
import { checkHealth } from "@/lib/health";

// GET /api/health – liveness plus a database round trip
export const GET = route(async () => json(await checkHealth()));
