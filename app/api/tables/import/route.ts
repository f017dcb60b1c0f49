import { parseQuery } from "@/lib/api/body";
import { otherMethods, route } from "@/lib/api/handler";
import { requireWorkspace } from "@/lib/auth/access";
import { importResponse } from "@/lib/csv/import-response";
import { importCsvAsTable } from "@/lib/csv/import-table";
import { importTableQuery } from "@/lib/csv/schemas";

// POST /api/tables/import?name= – a new table in the workspace from a streamed text/csv body (header row → columns), all or nothing
export const POST = route({ permission: "write", query: true }, async (request, _params, access) => {
  const { name, description } = parseQuery(request, importTableQuery);
  const workspaceId = requireWorkspace(access);
  return importResponse(request, (onProgress) =>
    importCsvAsTable({ workspaceId, name, description, request, onProgress }),
  );
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
