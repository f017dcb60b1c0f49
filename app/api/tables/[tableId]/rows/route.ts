import { parseJsonBody, parseQuery } from "@/lib/api/body";
import { json, otherMethods, route } from "@/lib/api/handler";
import { createRows, deleteRows, listRows } from "@/lib/rows/rows";
import {
  createRowsSchema,
  deleteRowsSchema,
  listRowsQuery,
  ROWS_BODY_LIMIT,
  updateRowsSchema,
} from "@/lib/rows/schemas";
import { updateRows } from "@/lib/rows/update-rows";

type Params = { tableId: string };

// GET /api/tables/:tableId/rows – rows by page, offset window or `after` cursor, in a view (filter, sort, q)
export const GET = route<Params>({ permission: "read" }, async (request, { tableId }) =>
  json(await listRows({ tableId, query: parseQuery(request, listRowsQuery) })),
);

// POST /api/tables/:tableId/rows – bulk insert { rows: [{ data }] }
export const POST = route<Params>({ permission: "write" }, async (request, { tableId }) => {
  const input = await parseJsonBody(request, createRowsSchema, { limit: ROWS_BODY_LIMIT });
  const rows = await createRows({ tableId, input });
  return json({ data: rows, meta: { created: rows.length } }, 201);
});

// PATCH /api/tables/:tableId/rows – merge values into many rows at once { rows: [{ id, data }] }, all or nothing
export const PATCH = route<Params>({ permission: "write" }, async (request, { tableId }) => {
  const input = await parseJsonBody(request, updateRowsSchema, { limit: ROWS_BODY_LIMIT });
  const rows = await updateRows({ tableId, input });
  return json({ data: rows, meta: { updated: rows.length } });
});

// DELETE /api/tables/:tableId/rows – delete many rows at once { ids: [...] }, all or nothing
export const DELETE = route<Params>({ permission: "write" }, async (request, { tableId }) => {
  const input = await parseJsonBody(request, deleteRowsSchema, { limit: ROWS_BODY_LIMIT });
  return json({ meta: await deleteRows({ tableId, input }) });
});

export const { PUT, OPTIONS } = otherMethods("GET", "POST", "PATCH", "DELETE");
