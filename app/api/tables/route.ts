import { parseJsonBody, parseQuery } from "@/lib/api/body";
import { json, route } from "@/lib/api/handler";
import { createTableSchema, listTablesQuery } from "@/lib/tables/schemas";
import { createTable, listTables } from "@/lib/tables/tables";

// GET /api/tables – list tables (oldest first) with row counts
export const GET = route(async (request) => json(await listTables(parseQuery(request, listTablesQuery))));

// POST /api/tables – create a table, optionally with its columns
export const POST = route(async (request) =>
  json(await createTable(await parseJsonBody(request, createTableSchema)), 201),
);
