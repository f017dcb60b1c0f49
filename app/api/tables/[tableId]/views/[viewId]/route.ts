import { parseJsonBody } from "@/lib/api/body";
import { json, otherMethods, route } from "@/lib/api/handler";
import { updateViewSchema } from "@/lib/views/view-schemas";
import { deleteView, getView, updateView } from "@/lib/views/views";

type Params = { tableId: string; viewId: string };

// GET /api/tables/:tableId/views/:viewId – one saved view
export const GET = route<Params>({ permission: "read" }, async (_request, { tableId, viewId }) =>
  json(await getView({ tableId, viewId })),
);

// PATCH /api/tables/:tableId/views/:viewId – change any of name, filter, sort, hiddenColumns, columnWidths
export const PATCH = route<Params>({ permission: "write" }, async (request, { tableId, viewId }) =>
  json(await updateView({ tableId, viewId, patch: await parseJsonBody(request, updateViewSchema) })),
);

// DELETE /api/tables/:tableId/views/:viewId – delete a saved view
export const DELETE = route<Params>({ permission: "write", body: false }, async (_request, { tableId, viewId }) => {
  await deleteView({ tableId, viewId });
  return new Response(null, { status: 204 });
});

export const { POST, PUT, OPTIONS } = otherMethods("GET", "PATCH", "DELETE");
