import { parseQuery } from "@/lib/api/body";
import { otherMethods, route } from "@/lib/api/handler";
import { cellStatusQuery } from "@/lib/enrichment/schemas";
import { cellStatusResponse } from "@/lib/realtime/poll";

// GET /api/tables/:tableId/cells/status?since=<cursor> – cells whose latest task changed since the cursor
export const GET = route<{ tableId: string }>({ permission: "read" }, async (request, { tableId }) =>
  cellStatusResponse({ tableId, ...parseQuery(request, cellStatusQuery) }),
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
