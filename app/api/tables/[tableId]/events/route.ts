import { parseQuery } from "@/lib/api/body";
import { otherMethods, route } from "@/lib/api/handler";
import { openTableEvents, tableEventsQuery } from "@/lib/realtime/streams";

// GET /api/tables/:tableId/events?since=<cursor> – Server-Sent Events: cells, table changes and jobs as they commit
export const GET = route<{ tableId: string }>({ permission: "read" }, async (request, { tableId }) =>
  openTableEvents({ request, tableId, ...parseQuery(request, tableEventsQuery) }),
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
