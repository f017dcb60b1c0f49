import { parseJsonBody } from "@/lib/api/body";
import { json, otherMethods, route } from "@/lib/api/handler";
import { requireSecretUse } from "@/lib/auth/access";
import { deleteColumn, updateColumn } from "@/lib/columns/columns";
import { updateColumnSchema } from "@/lib/columns/schemas";

type Params = { tableId: string; columnId: string };

// PATCH /api/tables/:tableId/columns/:columnId – rename, retype or move (order) a column
export const PATCH = route<Params>({ permission: "write" }, async (request, { tableId, columnId }, access) => {
  const patch = await parseJsonBody(request, updateColumnSchema);
  await requireSecretUse(access, patch.recipe);
  return json(await updateColumn({ tableId, columnId, patch }));
});

// DELETE /api/tables/:tableId/columns/:columnId – delete a column, its values and its tasks
export const DELETE = route<Params>({ permission: "write", body: false }, async (_request, { tableId, columnId }) => {
  await deleteColumn({ tableId, columnId });
  return new Response(null, { status: 204 });
});

export const { GET, POST, PUT, OPTIONS } = otherMethods("PATCH", "DELETE");
