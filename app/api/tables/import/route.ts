import { parseQuery } from "@/lib/api/body";
import { json, route } from "@/lib/api/handler";
import { importCsvAsTable } from "@/lib/csv/import-table";
import { readCsvBody } from "@/lib/csv/read-body";
import { importTableQuery } from "@/lib/csv/schemas";

// POST /api/tables/import?name= – a new table from a text/csv body (header row → columns), all or nothing
export const POST = route(async (request) => {
  const { name, description } = parseQuery(request, importTableQuery);
  const csv = await readCsvBody(request);
  return json(await importCsvAsTable({ name, description, csv }), 201);
});
