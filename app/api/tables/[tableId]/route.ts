import { parseJsonBody } from "@/lib/api/body";
import { json, otherMethods, route } from "@/lib/api/handler";
import { updateTableSchema } from "@/lib/tables/schemas";
import { deleteTable, getTable, updateTable } from "@/lib/tables/tables";

type Params = { tableId: string };

// GET /api/tables/:tableId – the table with its ordered columns and row count
export const GET = route<Params>({ permission: "read" }, async (_request, { tableId }) =>
  json(await getTable({ tableId })),
);

// PATCH /api/tables/:tableId – rename or describe the table
export const PATCH = route<Params>({ permission: "write" }, async (request, { tableId }) =>
  json(await updateTable({ tableId, patch: await parseJsonBody(request, updateTableSchema) })),
);

// DELETE /api/tables/:tableId – delete the table with its columns, rows, jobs and tasks
export const DELETE = route<Params>({ permission: "write", body: false }, async (_request, { tableId }) => {
  await deleteTable({ tableId });
  return new Response(null, { status: 204 });
});

export const { POST, PUT, OPTIONS } = otherMethods("GET", "PATCH", "DELETE");
