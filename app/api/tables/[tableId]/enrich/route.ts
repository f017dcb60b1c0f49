import { orchestrator } from "@/inngest/orchestrator";
import { parseJsonBody } from "@/lib/api/body";
import { json, otherMethods, route } from "@/lib/api/handler";
import { enrichSelection } from "@/lib/enrichment/enrich";
import { costOptionsOf, ENRICH_BODY_LIMIT, enrichRequestSchema, toSelection } from "@/lib/enrichment/schemas";

// POST /api/tables/:tableId/enrich – enrich cells: { columnIds, rowIds | "all" | rowFilter } or { cellIds }, with optional maxCredits and refresh
export const POST = route<{ tableId: string }>({ permission: "enrich" }, async (request, { tableId }, access) => {
  const body = await parseJsonBody(request, enrichRequestSchema, { limit: ENRICH_BODY_LIMIT });
  return json(
    await enrichSelection({
      tableId,
      selection: toSelection(body),
      startedBy: access.actor,
      orchestrator,
      costs: costOptionsOf(body),
    }),
    201,
  );
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
