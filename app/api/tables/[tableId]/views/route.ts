import { parseJsonBody } from "@/lib/api/body";
import { json, otherMethods, route } from "@/lib/api/handler";
import { createViewSchema } from "@/lib/views/view-schemas";
import { createView, listViews } from "@/lib/views/views";

type Params = { tableId: string };

// GET /api/tables/:tableId/views – the table's saved views, oldest first
export const GET = route<Params>({ permission: "read" }, async (_request, { tableId }) =>
  json(await listViews({ tableId })),
);

// POST /api/tables/:tableId/views – save a view { name, filter, sort, hiddenColumns, columnWidths } (duplicate name → 409)
export const POST = route<Params>({ permission: "write" }, async (request, { tableId }) =>
  json(await createView({ tableId, input: await parseJsonBody(request, createViewSchema) }), 201),
);

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET", "POST");
