import { parseQuery } from "@/lib/api/body";
import { json, route } from "@/lib/api/handler";
import { appendCsvToTable } from "@/lib/csv/append-import";
import { readCsvBody } from "@/lib/csv/read-body";
import { appendImportQuery } from "@/lib/csv/schemas";

// POST /api/tables/:tableId/import?createColumns=true – append a text/csv body's records to the table;
// headers match columns by key or label; unknown headers are a 422 unless createColumns=true adds them
export const POST = route<{ tableId: string }>({ permission: "write" }, async (request, { tableId }) => {
  const { createColumns } = parseQuery(request, appendImportQuery);
  const csv = await readCsvBody(request);
  return json(await appendCsvToTable({ tableId, csv, createColumns }), 201);
});
