import { parseJsonBody } from "@/lib/api/body";
import { json, otherMethods, route } from "@/lib/api/handler";
import { requireWorkspace } from "@/lib/auth/access";
import { estimateEnrichment } from "@/lib/costs/estimate";
import { getDb } from "@/lib/db";
import { refuseReadersWithTheirSources } from "@/lib/enrichment/read-order";
import { costOptionsOf, ENRICH_BODY_LIMIT, enrichRequestSchema, toSelection } from "@/lib/enrichment/schemas";

// POST /api/tables/:tableId/enrich/estimate – what POST /enrich with the same body would cost; creates nothing (read)
export const POST = route<{ tableId: string }>({ permission: "read" }, async (request, { tableId }, access) => {
  const body = await parseJsonBody(request, enrichRequestSchema, { limit: ENRICH_BODY_LIMIT });
  const selection = toSelection(body);
  // Refused here as POST /enrich would refuse it, before the grid offers to run it.
  await refuseReadersWithTheirSources(tableId, selection, getDb());
  return json(
    await estimateEnrichment({
      tableId,
      workspaceId: requireWorkspace(access),
      selection,
      costs: costOptionsOf(body),
    }),
  );
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
