import { z } from "zod";
import { parseQuery } from "@/lib/api/body";
import { otherMethods, route } from "@/lib/api/handler";
import { openJobEvents } from "@/lib/realtime/streams";

// GET /api/tables/:tableId/enrich/jobs/:jobId/events – Server-Sent Events: the job's progress until it ends
export const GET = route<{ tableId: string; jobId: string }>(
  { permission: "read" },
  async (request, { tableId, jobId }) => {
    // It takes no parameters (a job's stream always starts from the job as it is): any is a 422.
    parseQuery(request, z.strictObject({}));
    return openJobEvents({ request, tableId, jobId });
  },
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
