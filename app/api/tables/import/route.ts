import { parseQuery } from "@/lib/api/body";
import { json, route } from "@/lib/api/handler";
import { requireWorkspace } from "@/lib/auth/access";
import { importCsvAsTable } from "@/lib/csv/import-table";
import { readCsvBody } from "@/lib/csv/read-body";
import { importTableQuery } from "@/lib/csv/schemas";

// POST /api/tables/import?name= – a new table in the workspace from a text/csv body (header row → columns), all or nothing
export const POST = route({ permission: "write" }, async (request, _params, access) => {
  const { name, description } = parseQuery(request, importTableQuery);
  const csv = await readCsvBody(request);
  return json(await importCsvAsTable({ workspaceId: requireWorkspace(access), name, description, csv }), 201);
});
