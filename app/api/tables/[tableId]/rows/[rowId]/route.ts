import { parseJsonBody } from "@/lib/api/body";
import { json, otherMethods, route } from "@/lib/api/handler";
import { deleteRow, getRow } from "@/lib/rows/rows";
import { updateRowSchema } from "@/lib/rows/schemas";
import { updateRow } from "@/lib/rows/update-rows";

type Params = { tableId: string; rowId: string };

// GET /api/tables/:tableId/rows/:rowId – one row
export const GET = route<Params>({ permission: "read" }, async (_request, { tableId, rowId }) =>
  json(await getRow({ tableId, rowId })),
);

// PATCH /api/tables/:tableId/rows/:rowId – merge values into the row's data
export const PATCH = route<Params>({ permission: "write" }, async (request, { tableId, rowId }) =>
  json(await updateRow({ tableId, rowId, input: await parseJsonBody(request, updateRowSchema) })),
);

// DELETE /api/tables/:tableId/rows/:rowId – delete a row and its tasks
export const DELETE = route<Params>({ permission: "write", body: false }, async (_request, { tableId, rowId }) => {
  await deleteRow({ tableId, rowId });
  return new Response(null, { status: 204 });
});

export const { POST, PUT, OPTIONS } = otherMethods("GET", "PATCH", "DELETE");
