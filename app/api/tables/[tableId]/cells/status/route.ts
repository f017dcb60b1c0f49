import { parseQuery } from "@/lib/api/body";
import { json, route } from "@/lib/api/handler";
import { cellStatusSince } from "@/lib/enrichment/cell-status";
import { cellStatusQuery } from "@/lib/enrichment/schemas";

// GET /api/tables/:tableId/cells/status?since=<cursor> – cells whose latest task changed since the cursor
export const GET = route<{ tableId: string }>({ permission: "read" }, async (request, { tableId }) =>
  json(await cellStatusSince({ tableId, ...parseQuery(request, cellStatusQuery) })),
);
