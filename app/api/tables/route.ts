import { parseJsonBody, parseQuery } from "@/lib/api/body";
import { json, otherMethods, route } from "@/lib/api/handler";
import { requireWorkspace } from "@/lib/auth/access";
import { createTableSchema, listTablesQuery } from "@/lib/tables/schemas";
import { createTable, listTables } from "@/lib/tables/tables";

// GET /api/tables – the workspace's tables (oldest first) with row counts
export const GET = route({ permission: "read" }, async (request, _params, access) =>
  json(await listTables({ workspaceId: access.workspaceId, ...parseQuery(request, listTablesQuery) })),
);

// POST /api/tables – create a table in the workspace, optionally with its columns
export const POST = route({ permission: "write" }, async (request, _params, access) => {
  const input = await parseJsonBody(request, createTableSchema);
  return json(await createTable({ workspaceId: requireWorkspace(access), input }), 201);
});

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET", "POST");
