import { parseJsonBody } from "@/lib/api/body";
import { json, otherMethods, route } from "@/lib/api/handler";
import { requireSecretUse } from "@/lib/auth/access";
import { createColumn, listColumns } from "@/lib/columns/columns";
import { createColumnSchema } from "@/lib/columns/schemas";

// GET /api/tables/:tableId/columns – the table's columns in order: { data: [column] }
export const GET = route<{ tableId: string }>({ permission: "read" }, async (_request, { tableId }) =>
  json({ data: await listColumns({ tableId }) }),
);

// POST /api/tables/:tableId/columns – add a column (duplicate key → 409)
export const POST = route<{ tableId: string }>({ permission: "write" }, async (request, { tableId }, access) => {
  const input = await parseJsonBody(request, createColumnSchema);
  await requireSecretUse(access, input.recipe);
  return json(await createColumn({ tableId, input }), 201);
});

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET", "POST");
