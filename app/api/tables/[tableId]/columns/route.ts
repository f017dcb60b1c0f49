import { parseJsonBody } from "@/lib/api/body";
import { json, route } from "@/lib/api/handler";
import { createColumn } from "@/lib/columns/columns";
import { createColumnSchema } from "@/lib/columns/schemas";

// POST /api/tables/:tableId/columns – add a column (duplicate key → 409)
export const POST = route<{ tableId: string }>({ permission: "write" }, async (request, { tableId }) =>
  json(await createColumn({ tableId, input: await parseJsonBody(request, createColumnSchema) }), 201),
);
