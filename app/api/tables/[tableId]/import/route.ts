import { parseQuery } from "@/lib/api/body";
import { otherMethods, route } from "@/lib/api/handler";
import { appendCsvToTable } from "@/lib/csv/append-import";
import { importResponse } from "@/lib/csv/import-response";
import { appendImportQuery } from "@/lib/csv/schemas";

// POST /api/tables/:tableId/import?createColumns=true – append a streamed text/csv body's records to the table;
// headers match columns by key or label; unknown headers are a 422 unless createColumns=true adds them
export const POST = route<{ tableId: string }>({ permission: "write", query: true }, async (request, { tableId }) => {
  const { createColumns } = parseQuery(request, appendImportQuery);
  return importResponse(request, (onProgress) => appendCsvToTable({ tableId, request, createColumns, onProgress }));
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
