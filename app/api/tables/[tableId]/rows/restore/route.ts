import { parseJsonBody } from "@/lib/api/body";
import { json, otherMethods, route } from "@/lib/api/handler";
import { restoreRows } from "@/lib/rows/rows";
import { restoreRowsSchema } from "@/lib/rows/schemas";

// POST /api/tables/:tableId/rows/restore – brings back the rows of one DELETE /rows { deletion }
export const POST = route<{ tableId: string }>({ permission: "write" }, async (request, { tableId }) => {
  const { deletion } = await parseJsonBody(request, restoreRowsSchema);
  const rows = await restoreRows({ tableId, deletion });
  return json({ data: rows, meta: { restored: rows.length } });
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
